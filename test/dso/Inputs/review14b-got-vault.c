/* attacks-review14b-got.test, -shared-data.test: a vault compartment in a shared object whose
 * entry compares a guess with its key through libc's strcmp: a plain call
 * through the object's GOT, made with the vault's rights. */
#include <bulkhead.h>
#include <string.h>

/* Exported, so that the dependency finds its page in the object's dynamic
 * symbols (attacks-review14b-shared-data.test). */
BULKHEAD_DATA(vault) char review14b_key[32] = "TOP-SECRET-VAULT-KEY";

BULKHEAD_ENTRY(vault) int vault_check(char *guess) {
  return strcmp(guess, review14b_key) == 0;
}

/* Changes the key: a later read of it tells whose copy was changed. */
BULKHEAD_ENTRY(vault) void vault_rekey(void) { review14b_key[0] = 'X'; }
