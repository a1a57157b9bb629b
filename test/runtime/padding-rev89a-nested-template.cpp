// Correctness (review 89a). A class nested in a class template's
// specialization, TF<int>::Inner, whose IR type clang names
// struct.TF<int>::Inner, took the layout of TF<int> itself by name:
// RecordLayouts.cpp's lastPart cut the name at its first '<' (meant for
// TF<int>'s own IR name, struct.TF) and so gave "TF", not "Inner", and
// TF<int>'s record {char; int} agreed with Inner's IR type {[8 x i8]}.
// Clang's temporary of `c ? *a : *b` has no variable, so it went by name,
// and the honest default-domain callee got bytes 1-3 of Inner's buf
// cleared ("A...EFGH" for "ABCDEFGH"; -O2 and -O0, in the guest before).
// Now a name is split at the "::" outside template arguments (review
// 89b's nameParts), and a record in a template's specialization finds no
// layout by name at all (padding-template-args.cpp).
// REQUIRES: pku
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 %s %S/Inputs/nested-template-sink.cpp -o %t
// RUN: %run %t | FileCheck %s
// RUN: %bulkhead_clangxx -fpkey-compartments -O0 %s %S/Inputs/nested-template-sink.cpp -o %t0
// RUN: %run %t0 | FileCheck %s
// CHECK: inner: ABCDEFGH
#include "Inputs/check.h"

template <class T> struct TF { char c; T a; struct Inner { char buf[8]; }; };

void keep(TF<int>::Inner r);
extern char seen_inner[9];

// On the heap: a variable of Inner's type would give it its own layout.
BULKHEAD_DATA(vault) TF<int>::Inner *vault_recs;
BULKHEAD_DATA(vault) volatile int vault_first = 1;

BULKHEAD_INTERNAL(vault) __attribute__((noinline)) static void
pass(int c, TF<int>::Inner *a, TF<int>::Inner *b) {
  keep(c ? *a : *b);
}

BULKHEAD_ENTRY(vault) void vault_pass(void) {
  if (!vault_recs) {
    vault_recs = (TF<int>::Inner *)calloc(2, sizeof *vault_recs);
    memcpy(vault_recs[0].buf, "ABCDEFGH", 8);
    memcpy(vault_recs[1].buf, "abcdefgh", 8);
  }
  pass(vault_first, &vault_recs[0], &vault_recs[1]);
}

int main() {
  setvbuf(stdout, NULL, _IONBF, 0);
  vault_pass();
  for (int i = 0; i < 8; i++)
    if (!seen_inner[i])
      seen_inner[i] = '.';
  printf("inner: %s\n", seen_inner);
  return 0;
}
