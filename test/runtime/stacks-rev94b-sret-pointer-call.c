// Review 94b, a correctness finding (availability under attacker model B,
// no leak): a compartment's call through a function pointer of a
// default-domain function that returns a struct through memory (sret).
// Review 466e005 gave a direct call out a shared-heap block as its sret
// pointer (stacks-sret-call-out.c); a pointer call out leaves through
// leaveForPointerCall's trampoline and the function's wrapper with the
// caller's temporary, on the compartment's own stack, still as the sret
// pointer, and the callee's store faults. Plain clang prints "sum 33".
// In the guest at a855c6c: "protection-key fault: access to ... in
// compartment 'vault' ... the address is in the stack of compartment
// 'vault'" from the default domain, SIGSEGV, -O2 and -O0.
// Open: the pointer call tests only that it reaches some wrapper
// (bulkhead_wrappers), and a wrapper of one of the vault's own functions
// lies there too; a shared-heap block for it would put the vault's own
// result in key-0 memory. The fix needs the wrapper's domain at run time
// (docs/design.md, "Stack arguments").
// REQUIRES: pku
// XFAIL: *
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s %S/Inputs/sret-sink.c -o %t
// RUN: %run %t | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -O0 %s %S/Inputs/sret-sink.c -o %t0
// RUN: %run %t0 | FileCheck %s
// CHECK: sum 33
#include "Inputs/check.h"

struct big { long v[6]; };
struct big make_big(long base);

// Set by the default domain (key-0 memory).
struct big (*volatile maker)(long) = make_big;

BULKHEAD_ENTRY(vault) long vault_sum(long base) {
  struct big b = maker(base);
  long s = 0;
  for (int i = 0; i < 6; i++)
    s += b.v[i];
  return s;
}

int main(void) {
  printf("sum %ld\n", vault_sum(3));
  return 0;
}
