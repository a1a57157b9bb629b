/* A program with a compartment of its own named like libvault.so's. */
#include <bulkhead.h>
#include <stdio.h>

BULKHEAD_DATA(vault) static int mine = 1;
BULKHEAD_ENTRY(vault) int my_vault(void) { return mine; }

int main(void) {
  printf("%d\n", my_vault());
  return 0;
}
