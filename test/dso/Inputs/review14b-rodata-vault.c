/* attacks-review14b-rodata.test: a vault compartment in a shared object
 * that hands out its key for the right password, a constant of its
 * read-only data (compared byte by byte, built at -O0 so the bytes are
 * read from there). */
#include <bulkhead.h>

BULKHEAD_DATA(vault) static char key[32] = "TOP-SECRET-VAULT-KEY";
static const char password[] = "open-sesame";

BULKHEAD_ENTRY(vault) int vault_unlock(const char *guess, char *out) {
  for (int i = 0; i < (int)sizeof password; i++)
    if (guess[i] != password[i])
      return 0;
  for (int i = 0; i < (int)sizeof key; i++)
    out[i] = key[i];
  return 1;
}
