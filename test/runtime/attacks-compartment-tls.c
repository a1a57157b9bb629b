// A compartment's own thread-local variables are key-0 memory (the
// threat model says not to keep secrets there), but the compartment also
// writes them, with its rights. Compiled code reached them %fs-relative
// where the backend folded the access (`movl %edi, %fs:x@TPOFF` at -O2),
// but at -O0 (fast instruction selection), and at any level for an
// address that escapes (`&x`), the compiler computed their address from
// the thread pointer at %fs:0, which the default domain can rewrite: the
// vault's `last_error = code` then wrote where the attacker chose, here
// over the vault's key. The errno hole (attacks-review-pc-errno-compartment.c)
// in the compartment's own variables; found while fixing errno.
// Fixed: in compartment code the pass addresses thread-local variables
// %fs-relative at their GOT offset, and an escaping address is the CPU's
// FS base plus that offset (pass/ThreadLocals.cpp).
// Before: "BROKEN: the vault's last_error = 0 zeroed its key" (-O0, and
// -O2 with -DESCAPE).
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O0 %s -o %t
// RUN: %run %t | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -O2 -DESCAPE %s -o %t.escape
// RUN: %run %t.escape | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -O0 -fno-pkey-compartment-stacks -DESCAPE %s -o %t.shared
// RUN: %run %t.shared | FileCheck %s
// CHECK: attacks-compartment-tls: ok
#include "Inputs/check.h"

BULKHEAD_DATA(vault) static long key = 0x5ec7e75ec7e7;
_Thread_local long last_error; /* the vault's, per thread */

#ifdef ESCAPE
static __attribute__((noinline)) void set(long *where, long code) { *where = code; }
BULKHEAD_ENTRY(vault) void vault_fail(long code) { set(&last_error, code); }
#else
BULKHEAD_ENTRY(vault) void vault_fail(long code) { last_error = code; }
#endif
BULKHEAD_ENTRY(vault) long vault_last_error(void) { return last_error; }
BULKHEAD_ENTRY(vault) long vault_key_check(void) { return key == 0x5ec7e75ec7e7; }
BULKHEAD_ENTRY(vault) void *vault_where(void) { return &key; }

int main(void) {
  char *target = vault_where(), *self;
  __asm__ volatile("movq %%fs:0, %0" : "=r"(self));
  long off = (char *)&last_error - self;
  __asm__ volatile("movq %0, %%fs:0" : : "r"(target - off) : "memory"); /* a key-0 store */
  vault_fail(0);
  __asm__ volatile("movq %0, %%fs:0" : : "r"(self) : "memory");
  long ok = vault_key_check();
  printf("vault key intact: %ld\n", ok);
  if (!ok) {
    puts("attacks-compartment-tls: BROKEN: the vault's last_error = 0 zeroed its key");
    return 1;
  }
  vault_fail(7); /* and it still works */
  CHECK(vault_last_error() == 7 && last_error == 7);
  puts("attacks-compartment-tls: ok");
  return 0;
}
