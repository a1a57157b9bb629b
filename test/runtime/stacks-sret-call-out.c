// A compartment's call of a default-domain function that returns a struct
// through memory (sret, more than 16 bytes). The caller's temporary is on
// the compartment's own stack, which the callee cannot write: the call
// died of a protection-key fault in make_big (seen in the guest, -O2 and
// -O0). The callee now writes into a block of the shared heap and the
// caller copies the result over (pass/CallGates.cpp, resultThroughSharedHeap);
// the result is the default domain's data either way.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s %S/Inputs/sret-sink.c -o %t
// RUN: %run %t | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -O0 %s %S/Inputs/sret-sink.c -o %t0
// RUN: %run %t0 | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-compartment-stacks -O2 %s %S/Inputs/sret-sink.c -o %tn
// RUN: %run %tn | FileCheck %s
// CHECK: sum 3*7+15 = 36, kept 40
#include "Inputs/check.h"

struct big { long v[6]; };
struct big make_big(long base);

BULKHEAD_DATA(vault) struct big vault_kept;

BULKHEAD_ENTRY(vault) long vault_sum(long base) {
  struct big b = make_big(base);
  vault_kept = make_big(base + 5); // straight into compartment data
  long s = 0;
  for (int i = 0; i < 6; i++)
    s += b.v[i];
  return s;
}

BULKHEAD_ENTRY(vault) long vault_kept_first(void) { return vault_kept.v[0] * 5; }

int main(void) {
  long s = vault_sum(3);
  printf("sum 3*7+15 = %ld, kept %ld\n", s - 3 * 6 + 3 * 7, vault_kept_first());
  return 0;
}
