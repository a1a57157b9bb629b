/* A library-like compartment for tool.test: an allocator wrapper chain
 * under create_struct, an allocator entry the caller uses itself, and a
 * function handing a callback its local. Never run: tool.test makes
 * records from its symbols. */
#include <bulkhead.h>
#include <stdlib.h>
#include <string.h>

BULKHEAD_ENTRY(lib) void *lib_create(void);
BULKHEAD_ENTRY(lib) void *lib_malloc(size_t n);
BULKHEAD_ENTRY(lib) void lib_callback(void (*cb)(char *));

BULKHEAD_INTERNAL(lib) static void *alloc_base(size_t n) { return malloc(n); }
BULKHEAD_INTERNAL(lib) static void *alloc_warn(size_t n) { return alloc_base(n); }
BULKHEAD_INTERNAL(lib) static void *create_struct(void) { return alloc_warn(64); }
void *lib_create(void) { return create_struct(); }
void *lib_malloc(size_t n) { return alloc_warn(n); }
void lib_callback(void (*cb)(char *)) {
  char name[8];
  strcpy(name, "x");
  cb(name);
}

static void cb(char *p) { p[0] = 'y'; }
int main(void) {
  lib_callback(cb);
  return lib_create() && lib_malloc(8);
}
