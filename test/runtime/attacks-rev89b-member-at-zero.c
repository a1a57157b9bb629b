// Review 89b, attacker model B (the default domain's code keeps what a
// call out of the vault passes it). keep(*p) of a pointer kept in a
// member finds the record the member's debug type points to
// (pass/Padding.cpp pointeeOf), but only where a GEP on the way named the
// struct the member is in: a BULKHEAD_DATA struct's member at offset 0 is
// loaded from the global itself (clang folds the constant
// `getelementptr (%struct.holder, ptr @g, 0, 0)` to @g), so no pointee was
// found and the struct small's padding, bytes 1-3 of the vault's key word
// copied over it, went to the default-domain callee: ATTACK SUCCEEDED in
// each of 3 runs in the guest before (-O2, -O0, -fno-pkey-compartment-stacks).
// Fixed: a variable's or global's member needs no GEP to say so.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s %S/Inputs/pointee-sink.c -o %t
// RUN: %run %t | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -O0 %s %S/Inputs/pointee-sink.c -o %t0
// RUN: %run %t0 | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-compartment-stacks -O2 %s %S/Inputs/pointee-sink.c -o %tn
// RUN: %run %tn | FileCheck %s
// CHECK: member at 0: check 90 n 0x7
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: key bytes in the padding: none
#include "Inputs/check.h"
#include "Inputs/vault-word.h"
#include "Inputs/pointee-sink.h"

struct holder { struct small *rec; int k; };

BULKHEAD_DATA(vault) struct holder vault_holder;

BULKHEAD_ENTRY(vault) void vault_pass(void) {
  if (!vault_holder.rec)
    vault_holder.rec = calloc(1, sizeof *vault_holder.rec);
  uint64_t w = vault_word(vault_i);
  memcpy(vault_holder.rec, &w, 8);
  vault_holder.rec->check = 'Z';
  vault_holder.rec->n = 7;
  keep_small(*vault_holder.rec);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  vault_pass();
  int found = report_small("member at 0");
  printf("key bytes in the padding: %s\n", found ? "some" : "none");
  return 0;
}
