// The caller half of stack-modes.test: calls the vault with a callback.
#include <bulkhead.h>
#include <stdio.h>
BULKHEAD_ENTRY(vault) int vault_get(int (*cb)(int));
static int twice(int x) { return 2 * x; }
int main(void) { printf("%d\n", vault_get(twice)); return 0; }
