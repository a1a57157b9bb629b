/* More of the vault compartment (linked into libvault.so with vault.c by
 * dso/dlopen-hardened.test): its heap in use, blocks freed and resized. */
#include <bulkhead.h>
#include <stdlib.h>
#include <string.h>

/* 1 if malloc, realloc (growing past a page, then shrinking) and free of
 * the vault's own blocks keep their contents. */
BULKHEAD_ENTRY(vault) int vault_heap_cycle(void) {
  int ok = 1;
  for (int round = 0; round < 64 && ok; round++) {
    char *p = malloc(100);
    if (!p)
      return 0;
    memset(p, round, 100);
    char *q = realloc(p, 100000);
    ok = q && q[99] == round;
    char *r = q ? realloc(q, 10) : NULL;
    ok = ok && r && r[9] == round;
    free(r ? r : q);
  }
  return ok;
}
