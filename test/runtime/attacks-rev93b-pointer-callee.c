// Review 93b, attacker model B (the default domain's code reads the
// registers a call out of the vault arrives with, and chooses the
// callbacks the vault calls). A struct small {char; int} that is a
// union's member, passed to a callback through a function pointer the
// default domain set: a global `void (*)(struct small)`, a member of a
// struct of callbacks, an entry's parameter, the first member of a global
// struct of callbacks (no GEP: clang folds it), a member of an array of
// such structs by a variable index, an element of a member array of
// callbacks, and a parameter of an unannotated helper's copy in the
// vault (HelperCopies.cpp: the copy's allocas are new values). Review 91b's `keep(u.s)` was closed from -O1 on by the
// callee's parameter type, but a call through a pointer has no direct
// callee, so only the union's type was seen (every byte data) and small's
// padding bytes 1-3, filled from the vault's key word through the union's
// other member, went out in rdi. Before (e501dd6): ATTACK SUCCEEDED in
// the guest at -O2 and without compartment stacks in the first three
// cases; the fourth leaked the same way once the first three were fixed;
// the last three take the same path (no direct callee). Now the pointer's
// own debug type (a variable's, a member's) says the callee's parameters
// (RecordLayouts.cpp pointerCalleeParams), at -O0 too.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s %S/Inputs/pointee-sink.c -o %t
// RUN: %run %t | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-compartment-stacks -O2 %s %S/Inputs/pointee-sink.c -o %tn
// RUN: %run %tn | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -O0 %s %S/Inputs/pointee-sink.c -o %t0
// RUN: %run %t0 | FileCheck %s
// CHECK: global pointer: check 90 n 0x1020304
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: key bytes in the padding: none
// CHECK: member pointer: check 90 n 0x1020304
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: key bytes in the padding: none
// CHECK: parameter pointer: check 90 n 0x1020304
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: key bytes in the padding: none
// CHECK: first member of a global: check 90 n 0x1020304
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: key bytes in the padding: none
// CHECK: array of structs: check 90 n 0x1020304
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: key bytes in the padding: none
// CHECK: member array: check 90 n 0x1020304
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: key bytes in the padding: none
// CHECK: helper's copy: check 90 n 0x1020304
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: key bytes in the padding: none
#include "Inputs/check.h"
#include "Inputs/vault-word.h"
#include "Inputs/pointee-sink.h"

union either { struct small s; uint64_t w; };
/* The default domain's callbacks, which it hands the vault. */
void (*sink_cb)(struct small);
struct ops { int tag; void (*keep)(struct small); };
struct ops *sink_ops;
struct first { void (*keep)(struct small); int tag; } sink_first;
struct ops sink_table[3];
struct many { long id; void (*keep[2])(struct small); } *sink_many;
BULKHEAD_DATA(vault) volatile int vault_k = 1;

__attribute__((noinline)) static void relay(void (*keep)(struct small),
                                           union either *u) {
  keep(u->s);
}

BULKHEAD_ENTRY(vault) void vault_pass(int which, void (*cb)(struct small)) {
  union either u;
  u.w = vault_word(vault_i);
  u.s.check = 'Z';
  u.s.n = 0x01020304;
  if (which == 0)
    sink_cb(u.s);
  else if (which == 1)
    sink_ops->keep(u.s);
  else if (which == 2)
    cb(u.s);
  else if (which == 3)
    sink_first.keep(u.s);
  else if (which == 4)
    sink_table[vault_k].keep(u.s);
  else if (which == 5)
    sink_many->keep[vault_k](u.s);
  else
    relay(cb, &u);
}

int main(void) {
  static const char *what[] = {"global pointer", "member pointer",
                               "parameter pointer", "first member of a global",
                               "array of structs", "member array",
                               "helper's copy"};
  static struct many m = {1, {keep_small, keep_small}};
  static struct ops o = {1, keep_small};
  setvbuf(stdout, NULL, _IONBF, 0);
  sink_cb = keep_small;
  sink_ops = &o;
  sink_first.keep = keep_small;
  sink_table[1].keep = keep_small;
  sink_many = &m;
  for (int which = 0; which < 7; which++) {
    forget_seen();
    vault_pass(which, keep_small);
    int found = report_small(what[which]);
    printf("key bytes in the padding: %s\n", found ? "some" : "none");
  }
  return 0;
}
