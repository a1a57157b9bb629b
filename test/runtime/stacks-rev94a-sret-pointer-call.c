// A compartment's call THROUGH A FUNCTION POINTER of a default-domain
// function that returns a struct through memory (sret): 466e005 gives a
// direct call's callee a shared-heap block to write (stacks-sret-call-out.c),
// but a pointer call (pass/Stacks.cpp leaveForPointerCall) still passes the
// temporary on the compartment's own stack, which the callee cannot write.
// A correctness finding (no leak: the callee's write faults, a stop).
// Seen in the guest (LLVM 19) at a855c6c: a protection-key fault in
// make_big, "the address is in the stack of compartment 'vault'", at -O2
// and -O0; plain clang prints "sum 36".
// Open (XFAIL): the pointer's target is chosen at run time, in whichever
// domain; docs/design.md, Stack arguments.
// XFAIL: *
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s %S/Inputs/sret-sink.c -o %t
// RUN: %run %t | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -O0 %s %S/Inputs/sret-sink.c -o %t0
// RUN: %run %t0 | FileCheck %s
// CHECK: sum 36
#include "Inputs/check.h"

struct big { long v[6]; };
struct big make_big(long base);
struct big (*volatile maker)(long) = make_big;

BULKHEAD_ENTRY(vault) long vault_sum(long base) {
  struct big b = maker(base);
  long s = 0;
  for (int i = 0; i < 6; i++)
    s += b.v[i];
  return s;
}

int main(void) {
  printf("sum %ld\n", vault_sum(3) + 3);
  return 0;
}
