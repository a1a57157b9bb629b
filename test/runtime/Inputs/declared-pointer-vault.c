/* declared-pointer-vault.c - the vault of attacks-review11-declared-pointer.c:
 * it calls the program's peek, only declared here, through a pointer. */
#include <bulkhead.h>
BULKHEAD_DATA(vault) static int secret = 0x5ec7e7;
int peek(void);
BULKHEAD_ENTRY(vault) int *vault_addr(void) { return &secret; }
BULKHEAD_ENTRY(vault) int vault_call_through_pointer(void) {
  int (*volatile f)(void) = peek;
  return f();
}
