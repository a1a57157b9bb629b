// Review (attackB): compartment code that uses errno writes through a
// pointer the default domain chooses. errno is reached through libc's
// __errno_location(), which adds errno's offset to the thread pointer it
// reads from %fs:0: the TCB's self word, key-0 memory any domain can
// rewrite. One store there, and the vault's ordinary `errno = 0` (the
// strtol idiom) writes 0, with the vault's rights, to an address of the
// attacker's choice in the vault's data: here it zeroes the vault's key.
// No program-counter control, no race: a data-only attacker suffices.
//
// docs/threat-model.md names this mechanism only for the heap's per-thread
// pointers ("the compiler addresses them through the thread pointer at
// %fs:0 ..."); "TLS" only warns against keeping secrets in _Thread_local
// variables, and "FSGSBASE" says nothing in Bulkhead's design trusts TLS
// contents. Every compartment that touches errno (zlib, libpng, SQLite
// do) gives the default domain this write.
// XFAIL: *
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t | FileCheck %s
// CHECK: attacks-review-pc-errno-compartment: ok
#include "Inputs/check.h"
#include <errno.h>

BULKHEAD_DATA(vault) static long key = 0x5ec7e75ec7e7;

/* Parses a number, as compartments do. */
BULKHEAD_ENTRY(vault) long vault_parse(const char *s) {
  char *end;
  errno = 0;
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
