// Review 93b, correctness (a guard of the fix of
// attacks-rev93b-pointer-callee.c): a call through a function pointer
// now takes its padding from the pointer's declared type, but C lets a
// pointer converted to another function type be converted back at the
// call, so the declared type may not be the call's. Here keep_small is
// kept as a `void (*)(struct pun)` (pun {int; char}: bytes 5-7 padding)
// and called as a `void (*)(struct small)` (small {char; int}: n at 4-7);
// pun's mask would clear n's high bytes. The struct's own variable says
// its padding first (pass/Padding.cpp clearArgumentPadding). Passes on
// e501dd6 too (no pointer's type was read); a union's member passed so
// would take pun's mask (open: padding-rev93b-pointer-cast-union.c).
// Attacker model B: the padding bytes 1-3 still hold none of the key.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s %S/Inputs/pointee-sink.c -o %t
// RUN: %run %t | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -O0 %s %S/Inputs/pointee-sink.c -o %t0
// RUN: %run %t0 | FileCheck %s
// CHECK: cast back: check 90 n 0x1020304
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: key bytes in the padding: none
#include "Inputs/check.h"
#include "Inputs/vault-word.h"
#include "Inputs/pointee-sink.h"

struct pun { int n; char check; };
typedef void (*pun_fn)(struct pun);
pun_fn stored; /* keep_small, converted */

BULKHEAD_ENTRY(vault) void vault_pass(void) {
  struct small s;
  VAULT_FILL(&s, s.check = 'Z'; s.n = 0x01020304);
  ((void (*)(struct small))stored)(s);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  stored = (pun_fn)keep_small;
  forget_seen();
  vault_pass();
  int found = report_small("cast back");
  printf("key bytes in the padding: %s\n", found ? "some" : "none");
  return 0;
}
