// Review 90a, a correctness finding (attacker model A's setting: a struct
// the vault passes by value to a default-domain function that keeps it).
// Pointer members are noted per struct type and offset for their pointee's
// layout (pass/RecordLayouts.cpp notePointerMembers), and a union's
// pointers at one offset to records that differ give none (review 89b,
// padding-rev89b-union-pointee.c); but an array of pointers was no
// pointer member: in `union { struct small *s[1]; struct pun *p; }` the
// union's only noted pointer at offset 0 was pun's, and `*q->u.s[0]` (a
// load of the union's first 8 bytes, like `*q->u.p`) took struct pun's
// layout {int; char}: the pass cleared bytes 5-7 of small's `n`
// (0x01020304 arrived as 0x4) and kept bytes 1-3, small's padding, which
// the vault had filled from its key word. Before: "n 0x4" in the guest at
// -O2, -O0 and without compartment stacks. Now an array's elements are
// members at their offsets: the union's pointers differ and give none
// (small's padding goes out unmasked, as for review 89b's union: open).
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s %S/Inputs/pointee-sink.c -o %t
// RUN: %run %t | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -O0 %s %S/Inputs/pointee-sink.c -o %t0
// RUN: %run %t0 | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-compartment-stacks -O2 %s %S/Inputs/pointee-sink.c -o %tn
// RUN: %run %tn | FileCheck %s
// CHECK: union array: check 90 n 0x1020304
#include "Inputs/check.h"
#include "Inputs/vault-word.h"
#include "Inputs/pointee-sink.h"

struct pun { int a; char b; };          /* bytes 5-7 padding */
union either { struct small *s[1]; struct pun *p; };
struct holder { int k; union either u; };

BULKHEAD_DATA(vault) struct holder *vault_holder;

BULKHEAD_INTERNAL(vault) __attribute__((noinline)) static void
pass_small(struct holder *q) {
  keep_small(*q->u.s[0]);
}

BULKHEAD_ENTRY(vault) void vault_pass(void) {
  if (!vault_holder) {
    vault_holder = calloc(1, sizeof *vault_holder);
    vault_holder->u.s[0] = calloc(1, sizeof(struct small));
  }
  uint64_t w = vault_word(vault_i);
  memcpy(vault_holder->u.s[0], &w, 8);
  vault_holder->u.s[0]->check = 'Z';
  vault_holder->u.s[0]->n = 0x01020304;
  pass_small(vault_holder);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  vault_pass();
  report_small("union array");
  return 0;
}
