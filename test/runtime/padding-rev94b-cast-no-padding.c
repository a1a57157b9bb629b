// Review 94b, correctness: a call through a function pointer takes its
// padding mask from the pointer's declared type (review 93b), and where
// the argument's own object shows padding that decides instead
// (padding-rev93b-pointer-cast.c). An object of a struct with NO padding
// said nothing, so a `void (*)(struct small)` (small {char; int}: bytes
// 1-3 padding) converted back to the callee's real type,
// `((void (*)(struct pair))p)(v)` of a struct pair {int a; int b;} local
// (the same lowering, i64), had pair's a cleared as small's padding:
// bytes 1-3 of a lost. Plain clang prints "pair a 0x11223344 b
// 0x55667788". In the guest at a855c6c: "pair a 0x44 b 0x55667788" at
// -O2 and -O0, and without compartment stacks.
// Open: in the IR (opaque pointers) the call is the load of `callback`
// with an i64 either way, and so is a type-punned read,
// `((void (*)(struct small))callback)(*(struct small *)&v)`, whose
// small's padding the declared mask rightly clears (as a direct call's
// parameter does); letting a padless object decide would pass pair's
// bytes there as small's padding. Telling the two apart needs the call's
// own function type, which clang does not record (docs/threat-model.md
// "Register contents leaking", beside padding-rev93b-pointer-cast-union.c).
// XFAIL: *
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-compartment-stacks -O2 %s -o %tn
// RUN: %run %tn | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -O0 %s -o %t0
// RUN: %run %t0 | FileCheck %s
// CHECK: pair a 0x11223344 b 0x55667788
#include "Inputs/check.h"

struct small { char check; int n; };
struct pair { int a; int b; };

__attribute__((noinline)) void take_pair(struct pair v) {
  printf("pair a %#x b %#x\n", v.a, v.b);
}

// Kept as a small's callback (the default domain's table, key-0 memory).
void (*callback)(struct small) = (void (*)(struct small))take_pair;

BULKHEAD_ENTRY(vault) void vault_send(int a, int b) {
  struct pair v = {a, b};
  ((void (*)(struct pair))callback)(v);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  vault_send(0x11223344, 0x55667788);
  return 0;
}
