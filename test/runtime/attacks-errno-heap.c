// The compartments' allocator (a copy of libmimalloc per compartment,
// runtime/heap.c) runs with the compartment's rights and sets errno through
// libc's __errno_location(), which trusts the thread pointer at %fs:0
// (key-0 memory). Found while fixing "errno and the thread pointer": the
// default domain rewrites %fs:0 so that &errno is the vault's key, and the
// vault's next failing malloc has the copy store ENOMEM there, with the
// vault's rights. Fixed: the runtime points each copy's GOT entries of
// libc's TLS accessors at its own (runtime/tls.c), as it does for mmap.
// Before (with the copy's __errno_location left as libc's): "key intact 0".
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t | FileCheck %s
// CHECK: attacks-errno-heap: ok
#include "Inputs/check.h"
#include <errno.h>

BULKHEAD_DATA(vault) static long key = 0x5ec7e75ec7e7;

BULKHEAD_ENTRY(vault) int vault_alloc(size_t n) {
  void *p = malloc(n);
  free(p);
  return p != NULL;
}
BULKHEAD_ENTRY(vault) long vault_key_check(void) { return key == 0x5ec7e75ec7e7; }
BULKHEAD_ENTRY(vault) void *vault_where(void) { return &key; }

int main(void) {
  char *target = vault_where(), *self;
  CHECK(vault_alloc(16)); /* the vault's heap exists */
  __asm__ volatile("movq %%fs:0, %0" : "=r"(self));
  long off = (char *)__errno_location() - self;
  __asm__ volatile("movq %0, %%fs:0" : : "r"(target - off) : "memory"); /* a key-0 store */
  int got = vault_alloc((size_t)1 << 62);
  __asm__ volatile("movq %0, %%fs:0" : : "r"(self) : "memory");
  long ok = vault_key_check();
  printf("allocated %d, errno %d, key intact %ld\n", got, errno, ok);
  if (!ok) {
    puts("attacks-errno-heap: BROKEN: the vault's allocator wrote ENOMEM over its key");
    return 1;
  }
  CHECK(!got && errno == ENOMEM); /* the real errno got it */
  puts("attacks-errno-heap: ok");
  return 0;
}
