// Review 89b, a correctness finding (attacker model B's setting: a struct
// the vault passes by value to a default-domain function). A struct type
// that no variable has takes its layout by name from every debug record
// of its name's last part that agrees with its structure
// (pass/RecordLayouts.cpp relateByName). The driver's
// -debug-info-kind=unused-types gives every *declared* record, but clang
// emits a class template's implicit specialization only where the debug
// information names it (a variable's, function's, member's or explicit
// cast's type): TF<char>, reached here only through an external
// function's result and parameter (tf_at(p)[i]), has no record, and an
// unrelated other::TF of one IR structure ({i8, i8}) was taken for it:
// its bit-field `a : 3` made bits 3-7 of TF<char>'s `char a` padding, and
// the pass cleared them from the argument. Before: "a 2" for 'Z' (90),
// 2 of 2 runs (-O2, -O0) in the guest. Fixed: a record is a candidate
// for an IR type only if its namespaces and classes are the ones the IR
// name is qualified by (a function's record: none).
// REQUIRES: pku
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 %s %S/Inputs/rev89b-template-sink.cpp -o %t
// RUN: %run %t | FileCheck %s
// RUN: %bulkhead_clangxx -fpkey-compartments -O0 %s %S/Inputs/rev89b-template-sink.cpp -o %t0
// RUN: %run %t0 | FileCheck %s
// CHECK: TF<char>: a 90 b 66
#include "Inputs/check.h"

template <class T> struct TF { T a; T b; };
namespace other {
struct TF { char a : 3; char b; }; // never used: unused-types emits it
} // namespace other
void keep_tf(TF<char> r);
TF<char> *tf_at(void *p); // the default domain's: returns p
extern unsigned char seen_tf[2];

BULKHEAD_DATA(vault) void *vault_heap;

BULKHEAD_ENTRY(vault) void vault_give(int i) {
  if (!vault_heap)
    vault_heap = calloc(4, 8);
  tf_at(vault_heap)[i].a = 'Z';
  tf_at(vault_heap)[i].b = 'B';
  keep_tf(tf_at(vault_heap)[i]);
}

int main() {
  setvbuf(stdout, NULL, _IONBF, 0);
  vault_give(1);
  printf("TF<char>: a %d b %d\n", seen_tf[0], seen_tf[1]);
  return 0;
}
