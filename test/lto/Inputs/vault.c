/* Compartment 'vault', annotated by hand, in a translation unit of its own. */
#include "vault.h"

BULKHEAD_DATA(vault) static int secret[4] = {10, 20, 30, 40};

int vault_get(int i) { return secret[i]; }
void vault_put(int i, int v) { secret[i] = v; }
unsigned vault_pkru(void) {
  unsigned eax, edx;
  __asm__ volatile("rdpkru" : "=a"(eax), "=d"(edx) : "c"(0));
  return eax;
}
/* The annotation is here only: main.c's callers take the thunk. A small
 * leaf, the kind LTO would love to inline into its callers. */
BULKHEAD_ENTRY(vault) int vault_sum(void) { return secret[0] + secret[1] + secret[2] + secret[3]; }
/* Default-domain code: handing out the address is not reading it. */
int *vault_data_address(void) { return secret; }
