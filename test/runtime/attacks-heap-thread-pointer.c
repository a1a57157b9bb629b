// The heap's per-thread state (runtime/heap.c __bulkhead_heap_tls) is
// written with a compartment's rights: a thread's first allocation in a
// compartment stores the new heap's address there. The compiler addressed
// it through the thread pointer at %fs:0 (key-0 memory), so a default
// domain that rewrote that word before the vault's first allocation had
// the vault store its heap pointer (and count `busy`) in the vault's own
// data, at an address the attacker chose: the errno hole
// (attacks-review-pc-errno-compartment.c) in the runtime's own TLS, named
// in threat-model.md since the sharing-policy work. Fixed: heap.c reaches
// its TLS %fs-relative only, at the offset the GOT holds. Since the heap
// metadata work the runtime keeps no per-thread heap pointer; its one
// per-thread word, `busy`, is written with a compartment's rights in
// record mode only, and still %fs-relative.
// Before: "word 32 = 0x...", "vault words changed: 1".
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t | FileCheck %s
// CHECK: vault words changed: 0
// CHECK: attacks-heap-thread-pointer: ok
#include "Inputs/check.h"

BULKHEAD_DATA(vault) static long words[64]; /* zero: "no heap yet" */

BULKHEAD_ENTRY(vault) int vault_alloc(void) {
  void *p = malloc(16);
  free(p);
  return p != NULL;
}
BULKHEAD_ENTRY(vault) long vault_word(int k) { return words[k]; }
BULKHEAD_ENTRY(vault) void *vault_where(void) { return &words[32]; }

/* runtime/heap.c's per-thread state (a hidden symbol, in the binary). */
struct heap_tls {
  int busy;
};
extern __thread struct heap_tls heap_tls __asm__("__bulkhead_heap_tls")
    __attribute__((visibility("hidden")));

int main(void) {
  char *target = vault_where(), *self;
  __asm__ volatile("movq %%fs:0, %0" : "=r"(self));
  long off = (char *)&heap_tls - self;
  /* A key-0 store, before the vault's first allocation in this thread:
   * &heap_tls as the compiler computed it is now &words[32]. */
  __asm__ volatile("movq %0, %%fs:0" : : "r"(target - off) : "memory");
  int got = vault_alloc();
  __asm__ volatile("movq %0, %%fs:0" : : "r"(self) : "memory");
  int changed = 0;
  for (int k = 0; k < 64; k++)
    if (vault_word(k)) {
      printf("word %d = %#lx\n", k, vault_word(k));
      changed++;
    }
  printf("vault words changed: %d\n", changed);
  CHECK(got);
  if (changed)
    return 1;
  puts("attacks-heap-thread-pointer: ok");
  return 0;
}
