// Review 93b, correctness, OPEN (a limit of the fix of
// attacks-rev93b-pointer-callee.c): a call through a function pointer
// takes its padding from the pointer's declared type, but C lets a
// pointer converted to another function type be converted back at the
// call, and the IR (opaque pointers) shows no such conversion. Here
// keep_small is kept as a `void (*)(struct pun)` (pun {int; char}) and
// called as a `void (*)(struct small)` with a union's member, whose own
// object (the union, all data) says no padding: pun's mask clears bytes
// 5-7 of small's n and keeps bytes 1-3, small's padding (in the guest
// after the fix at -O2: "check 90 n 0x4" and ATTACK SUCCEEDED; on
// e501dd6 n was whole and the padding went out as for any union member
// passed through a pointer). Where the argument's object shows padding
// (a struct variable) that decides instead (padding-rev93b-pointer-cast.c).
// Open: nothing in the IR says the call's type differs from the
// pointer's (docs/threat-model.md "Register contents leaking").
// XFAIL: *
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s %S/Inputs/pointee-sink.c -o %t
// RUN: %run %t | FileCheck %s
// CHECK: cast back union: check 90 n 0x1020304
#include "Inputs/check.h"
#include "Inputs/vault-word.h"
#include "Inputs/pointee-sink.h"

struct pun { int n; char check; };
typedef void (*pun_fn)(struct pun);
pun_fn stored; /* keep_small, converted */
union either { struct small s; uint64_t w; };

BULKHEAD_ENTRY(vault) void vault_pass(void) {
  union either u;
  u.w = vault_word(vault_i);
  u.s.check = 'Z';
  u.s.n = 0x01020304;
  ((void (*)(struct small))stored)(u.s);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  stored = (pun_fn)keep_small;
  forget_seen();
  vault_pass();
  report_small("cast back union");
  return 0;
}
