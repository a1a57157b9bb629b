/* allocator-imports.test: a compartment that allocates and calls libc. */
#include <bulkhead.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
BULKHEAD_ENTRY(vault) void *vault_block(void) { return malloc(100); }
BULKHEAD_ENTRY(vault) void *vault_zeroed(void) { return calloc(4, 25); }
BULKHEAD_ENTRY(vault) void *vault_grow(void *p) { return realloc(p, 200); }
BULKHEAD_ENTRY(vault) char *vault_copy(const char *s) { return strdup(s); }
BULKHEAD_ENTRY(vault) void vault_drop(void *p) { free(p); }
BULKHEAD_ENTRY(vault) void vault_say(void) { puts("vault"); }
