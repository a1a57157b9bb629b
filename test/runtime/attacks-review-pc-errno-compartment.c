// Review (attackB): compartment code that uses errno wrote through a
// pointer the default domain chose. errno was reached through libc's
// __errno_location(), which adds errno's offset to the thread pointer it
// reads from %fs:0: the TCB's self word, key-0 memory any domain can
// rewrite. One store there, and the vault's ordinary `errno = 0` (the
// strtol idiom) wrote 0, with the vault's rights, to an address of the
// attacker's choice in the vault's data: here it zeroed the vault's key.
// No program-counter control, no race: a data-only attacker suffices.
// Fixed: compartment code addresses errno %fs-relative at an offset the
// runtime computed at start-up and keeps read-only (pass/LibcTls.cpp,
// runtime/tls.c), so the forged %fs:0 is never read. Also with shared
// stacks and at -O0, and with `&errno` escaping (which calls the runtime's
// accessor: RDFSBASE or arch_prctl, never %fs:0).
// Before: "BROKEN: the vault's errno = 0 zeroed its key".
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -O0 %s -o %t0
// RUN: %run %t0 | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-compartment-stacks -O2 %s -o %t.shared
// RUN: %run %t.shared | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -O2 -DESCAPE %s -o %t.escape
// RUN: %run %t.escape | FileCheck %s
// CHECK: attacks-review-pc-errno-compartment: ok
#include "Inputs/check.h"
#include <errno.h>

BULKHEAD_DATA(vault) static long key = 0x5ec7e75ec7e7;

/* Parses a number, as compartments do. */
#ifdef ESCAPE
/* errno's address leaves the expression: the runtime's accessor. */
static __attribute__((noinline)) void clear(int *e) { *e = 0; }
#endif

BULKHEAD_ENTRY(vault) long vault_parse(const char *s) {
  char *end;
#ifdef ESCAPE
  clear(&errno);
#else
  errno = 0;
#endif
  long v = strtol(s, &end, 10);
  if (errno)
    return -1;
  return v ^ key;
}
BULKHEAD_ENTRY(vault) long vault_key_check(void) { return key == 0x5ec7e75ec7e7; }
BULKHEAD_ENTRY(vault) void *vault_where(void) { return &key; }

int main(void) {
  char *target = vault_where(), *self;
  printf("vault key intact: %ld\n", vault_key_check());
  __asm__ volatile("movq %%fs:0, %0" : "=r"(self));
  long off = (char *)__errno_location() - self;
  __asm__ volatile("movq %0, %%fs:0" : : "r"(target - off) : "memory"); /* a key-0 store */
  vault_parse("42");
  __asm__ volatile("movq %0, %%fs:0" : : "r"(self) : "memory");
  long ok = vault_key_check();
  printf("vault key intact: %ld\n", ok);
  if (!ok) {
    puts("attacks-review-pc-errno-compartment: BROKEN: the vault's errno = 0 zeroed its key");
    return 1;
  }
  puts("attacks-review-pc-errno-compartment: ok");
  return 0;
}
