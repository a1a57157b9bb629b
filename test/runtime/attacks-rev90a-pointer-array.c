// Review 90a, attacker model A (the default domain's honest callee keeps
// what a call out of the vault passes it in a global; the attacker reads
// key-0 memory). `*q->s[1]`, a struct small reached through a constant
// element of an array of record pointers in a struct: an array's pointers
// were no pointer members (pass/RecordLayouts.cpp notePointerMembers), so
// no record was known for the load and small's padding bytes 1-3, which the
// vault had filled from its key word, went out with it. Before: ATTACK
// SUCCEEDED in the guest at -O2 and -O0. Now an array's elements are
// members at their offsets (padding-rev90a-union-pointer-array.c).
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s %S/Inputs/pointee-sink.c -o %t
// RUN: %run %t | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -O0 %s %S/Inputs/pointee-sink.c -o %t0
// RUN: %run %t0 | FileCheck %s
// CHECK: pointer array: check 90 n 0x1020304
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: key bytes in the padding: none
#include "Inputs/check.h"
#include "Inputs/vault-word.h"
#include "Inputs/pointee-sink.h"

struct holder { int k; struct small *s[2]; };

BULKHEAD_DATA(vault) struct holder *vault_holder;

BULKHEAD_INTERNAL(vault) __attribute__((noinline)) static void
pass_small(struct holder *q) {
  keep_small(*q->s[1]);
}

BULKHEAD_ENTRY(vault) void vault_pass(void) {
  if (!vault_holder) {
    vault_holder = calloc(1, sizeof *vault_holder);
    vault_holder->s[1] = calloc(1, sizeof(struct small));
  }
  uint64_t w = vault_word(vault_i);
  memcpy(vault_holder->s[1], &w, 8);
  vault_holder->s[1]->check = 'Z';
  vault_holder->s[1]->n = 0x01020304;
  pass_small(vault_holder);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  vault_pass();
  int found = report_small("pointer array");
  printf("key bytes in the padding: %s\n", found ? "some" : "none");
  return 0;
}
