/* attacks-rev15-copy-path.test: a vault compartment in a shared object
 * that uses its heap (so its libmimalloc copy is in use) and can show what
 * its own rights read at an address (the test's witness). */
#include <bulkhead.h>
#include <stdlib.h>
#include <string.h>

BULKHEAD_DATA(vault) static char *block;

BULKHEAD_ENTRY(vault) int vault_alloc(void) {
  block = malloc(64);
  if (block)
    strcpy(block, "HEAP-SECRET");
  return block != NULL;
}

/* Copies n bytes at p, read with the vault's rights, into out (key-0). */
BULKHEAD_ENTRY(vault) void vault_peek(const char *p, char *out, int n) {
  for (int i = 0; i < n; i++)
    out[i] = p[i];
}
