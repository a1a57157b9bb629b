/* A C program with a compartment: no C++ unwind tables, no DW.ref word. */
#include <bulkhead.h>

BULKHEAD_DATA(vault) int vault_secret = 7;
BULKHEAD_ENTRY(vault) int vault_peek(void) { return vault_secret; }

int main(void) { return vault_peek() == 7 ? 0 : 1; }
