/* A compartment with data, entries and an internal helper, in its own
 * translation unit. */
#include "vault.h"

BULKHEAD_DATA(vault) static unsigned char key[32] = {11, 22, 33};
BULKHEAD_DATA(vault) int vault_counter;
BULKHEAD_DATA(other) int other_secret = 5;

BULKHEAD_INTERNAL(vault) static int mix(int i) { return key[i] * 2 + vault_counter; }

int vault_read(int i) { return key[i]; }
void vault_write(int i, unsigned char v) { key[i] = v; }
int vault_mixed(int i) { vault_counter++; return mix(i); }
unsigned vault_pkru(void) {
  unsigned eax, edx;
  __asm__ volatile("rdpkru" : "=a"(eax), "=d"(edx) : "c"(0));
  return eax;
}
unsigned other_pkru(void) {
  unsigned eax, edx;
  __asm__ volatile("rdpkru" : "=a"(eax), "=d"(edx) : "c"(0));
  return eax + (unsigned)other_secret * 0;
}
/* Default-domain code: handing out the address is not reading it. */
unsigned char *vault_key_address(void) { return key; }
