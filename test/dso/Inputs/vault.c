/* A vault compartment in a shared object (libvault.so): a key in its data,
 * a heap object it allocates, an internal helper, entries. */
#include <bulkhead.h>
#include <stdlib.h>
#include <string.h>

BULKHEAD_DATA(vault) static unsigned char key[32] = "TOP-SECRET-VAULT-KEY";
BULKHEAD_DATA(vault) static char *secret_block;

BULKHEAD_INTERNAL(vault) int vault_mix(int x) { return x + key[0]; }

BULKHEAD_ENTRY(vault) int vault_sign(int x) {
  if (!secret_block) {
    secret_block = malloc(64);
    strcpy(secret_block, "HEAP-SECRET");
  }
  return vault_mix(x) + secret_block[0];
}
BULKHEAD_ENTRY(vault) const void *vault_key_address(void) { return key; }
BULKHEAD_ENTRY(vault) const void *vault_heap_address(void) {
  return secret_block;
}
/* Calls back into whoever passed f, with that caller's rights. */
BULKHEAD_ENTRY(vault) int vault_apply(int (*f)(int), int x) {
  return f(x) + key[1];
}
