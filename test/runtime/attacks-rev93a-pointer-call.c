// Review 93a, attacker model A (the attacker loads and stores key-0
// memory only). A struct small {char; int} that is a union's member,
// whose padding bytes 1-3 the vault filled from its key word through the
// union's other member, passed out through a function pointer: the
// callee's parameter (RecordLayouts.cpp argumentPieces) was read for a
// direct call only, and a pointer call fell back to the object the
// argument is loaded from, the union, every byte of which is data. The
// honest default-domain callee keep_small stored what it got in a key-0
// global, where the attacker read the key bytes. Before: ATTACK SUCCEEDED
// in the guest at -O2 for the pointer kept in a global and in a local
// (the direct call beside them did not leak). Fixed (review 93b's
// commit, merged in place of 93a's, and a volatile pointer variable
// taken too): a pointer call whose pointer is loaded from a variable or
// member takes the parameters of its function pointer type
// (RecordLayouts.cpp pointerCalleeParams). A pointer a function returned
// stays open.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s %S/Inputs/pointee-sink.c -o %t
// RUN: %run %t | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-compartment-stacks -O1 %s %S/Inputs/pointee-sink.c -o %tn
// RUN: %run %tn | FileCheck %s
// CHECK: direct call: check 90 n 0x1020304
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: key bytes in the padding: none
// CHECK: global pointer call: check 90 n 0x1020304
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: key bytes in the padding: none
// CHECK: local pointer call: check 90 n 0x1020304
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: key bytes in the padding: none
#include "Inputs/check.h"
#include "Inputs/vault-word.h"
#include "Inputs/pointee-sink.h"

union either { struct small s; uint64_t w; };
void (*volatile sink)(struct small) = keep_small;
__attribute__((noinline)) void (*pick(void))(struct small) { return sink; }

BULKHEAD_ENTRY(vault) void vault_pass(int which) {
  union either u;
  u.w = vault_word(vault_i);
  u.s.check = 'Z';
  u.s.n = 0x01020304;
  if (which == 0) {
    keep_small(u.s);
  } else if (which == 1) {
    sink(u.s);
  } else {
    void (*volatile f)(struct small) = pick();
    f(u.s);
  }
}

int main(void) {
  static const char *what[] = {"direct call", "global pointer call",
                               "local pointer call"};
  setvbuf(stdout, NULL, _IONBF, 0);
  for (int which = 0; which < 3; which++) {
    forget_seen();
    vault_pass(which);
    int found = report_small(what[which]);
    printf("key bytes in the padding: %s\n", found ? "some" : "none");
  }
  return 0;
}
