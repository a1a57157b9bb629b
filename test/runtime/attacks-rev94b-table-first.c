// Review 94b, attacker model B (the default domain's code reads the
// registers a call out of the vault arrives with, and chooses the
// callbacks). Review 93b's pointer calls take a struct argument's padding
// mask from the function pointer's declared type, found from the variable
// or member the pointer is loaded from; a member of an array of structs
// by a variable index was covered (`sink_table[vault_k].keep`). The first
// element's first member by constant indices, `sink_table[0].keep(u.s)`,
// has no GEP: clang folds it to a load from the global array itself,
// whose type is an array, not a struct, and pointerCalleeParams found no
// callee. small's padding bytes 1-3, filled from the vault's key word
// through the union's other member, went out in rdi. In the guest at
// a855c6c: ATTACK SUCCEEDED for the global table at -O2, -O0 and without
// compartment stacks (a local array's, `local[0].keep(u.s)`, held: its
// alloca keeps a GEP). Now an array's element type says it (RecordLayouts.cpp
// pointerCalleeParams). So did a later element's, `sink_table[1].keep`,
// a GEP on the array's type by constant indices that starts in no struct
// and ends at the element, whose first member needs no index: ATTACK
// SUCCEEDED in the guest at -O2 and -O0 with the first fix alone. Now an
// element of an array that no struct holds is one of its element's type,
// and a struct where the GEP ends is its member at that offset; 0 of 3 in
// each run after.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s %S/Inputs/pointee-sink.c -o %t
// RUN: %run %t | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-compartment-stacks -O2 %s %S/Inputs/pointee-sink.c -o %tn
// RUN: %run %tn | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -O0 %s %S/Inputs/pointee-sink.c -o %t0
// RUN: %run %t0 | FileCheck %s
// CHECK: global table: check 90 n 0x1020304
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: key bytes in the padding: none
// CHECK: local table: check 90 n 0x1020304
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: key bytes in the padding: none
// CHECK: global table's second: check 90 n 0x1020304
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: key bytes in the padding: none
#include "Inputs/check.h"
#include "Inputs/vault-word.h"
#include "Inputs/pointee-sink.h"

union either { struct small s; uint64_t w; };
/* The default domain's callbacks, which it hands the vault. */
struct first { void (*keep)(struct small); int tag; };
struct first sink_table[2];
void (*volatile sink_cb)(struct small);

BULKHEAD_ENTRY(vault) void vault_pass(int which) {
  union either u;
  u.w = vault_word(vault_i);
  u.s.check = 'Z';
  u.s.n = 0x01020304;
  if (which == 0) {
    sink_table[0].keep(u.s);
  } else if (which == 2) {
    sink_table[1].keep(u.s);
  } else {
    struct first local[2];
    local[0].keep = sink_cb;
    local[0].tag = 1;
    local[0].keep(u.s);
  }
}

int main(void) {
  static const char *what[] = {"global table", "local table",
                               "global table's second"};
  setvbuf(stdout, NULL, _IONBF, 0);
  sink_table[0].keep = keep_small;
  sink_table[1].keep = keep_small;
  sink_cb = keep_small;
  for (int which = 0; which < 3; which++) {
    forget_seen();
    vault_pass(which);
    int found = report_small(what[which]);
    printf("key bytes in the padding: %s\n", found ? "some" : "none");
  }
  return 0;
}
