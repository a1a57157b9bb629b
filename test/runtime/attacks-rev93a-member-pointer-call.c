// Review 93a, attacker model A: attacks-rev93a-pointer-call.c
// through a function pointer kept in a struct's member, `ops->keep(u.s)`:
// the padding masks of a pointer call come from a variable's function
// pointer type only (a global, a local), not from a member's, so the
// union's member small goes out masked by the union (every byte data)
// and the honest callee keep_small stores bytes 1-3 of the vault's key
// word in a key-0 global. Guest: ATTACK SUCCEEDED at -O2 on e501dd6 and
// after review 93a's fix. Fixed by review 93b's (merged in its place):
// a member's function pointer type is noted as a variable's is
// (RecordLayouts.cpp pointerCalleeParams).
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s %S/Inputs/pointee-sink.c -o %t
// RUN: %run %t | FileCheck %s
// CHECK: member pointer call: check 90 n 0x1020304
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: key bytes in the padding: none
#include "Inputs/check.h"
#include "Inputs/vault-word.h"
#include "Inputs/pointee-sink.h"

union either { struct small s; uint64_t w; };
struct ops { int tag; void (*keep)(struct small); };
struct ops *volatile shared_ops;

BULKHEAD_ENTRY(vault) void vault_pass(void) {
  union either u;
  u.w = vault_word(vault_i);
  u.s.check = 'Z';
  u.s.n = 0x01020304;
  shared_ops->keep(u.s);
}

int main(void) {
  static struct ops ops = {1, keep_small};
  setvbuf(stdout, NULL, _IONBF, 0);
  shared_ops = &ops;
  forget_seen();
  vault_pass();
  int found = report_small("member pointer call");
  printf("key bytes in the padding: %s\n", found ? "some" : "none");
  return 0;
}
