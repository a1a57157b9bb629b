/* attacks-rev15-decoy.test, -dep-got.test: a vault compartment in a shared object whose
 * entry compares a guess with its key through rev15_compare, a function of
 * its own dependency (Inputs/rev15-decoy-dep.c, rev15-dep.c), not of the program's
 * global scope: a plain call through the object's GOT, made with the
 * vault's rights. */
#include <bulkhead.h>

int rev15_compare(const char *a, const char *b);

BULKHEAD_DATA(vault) static char key[32] = "TOP-SECRET-VAULT-KEY";

BULKHEAD_ENTRY(vault) int vault_check(char *guess) {
  return rev15_compare(guess, key) == 0;
}
