// Review 92b, a correctness finding (no secret). The IR
// keeps no trace of a pointer conversion, so a record pointer converted
// back to its own type, `*(struct pair *)rows[i]` of a `struct small
// *rows[2]` that holds a `struct pair *` (a valid round trip in C, not a
// type pun: the object is a pair), is read as the array's record, and
// small's padding (bytes 1-3) is cleared in pair's data. design.md step 9
// accepts this for a read of the record's size "through another type";
// c9acc58 extends it to every element of an array of pointers, a
// variable index, an array variable and a flexible member, and review
// 92b's fix to pointers read through a `struct small **`. Plain clang
// prints a 0x11223344 for each; in the guest at c9acc58 (-O2 and -O0)
// the first two printed a 0x44, and after review 92b's fix all three.
// Fixed: the padding of a struct passed out is the callee's parameter's
// where clang describes the callee (RecordLayouts.cpp argumentPieces),
// here a struct pair; this file defines it, so at -O0 too.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -O0 %s -o %t0
// RUN: %run %t0 | FileCheck %s
// CHECK: array element: a 0x11223344 b 0x55667788
// CHECK: flexible element: a 0x11223344 b 0x55667788
// CHECK: through pointer to pointers: a 0x11223344 b 0x55667788
#include "Inputs/check.h"

struct small { char check; int n; };    /* bytes 1-3 padding */
struct pair { int a, b; };              /* no padding */
struct flex { long k; struct small *rows[]; };

__attribute__((noinline)) void show_pair(const char *what, struct pair p) {
  printf("%s: a %#x b %#x\n", what, p.a, p.b);
}

BULKHEAD_DATA(vault) struct small *vault_rows[2];
BULKHEAD_DATA(vault) struct flex *vault_flex;

BULKHEAD_ENTRY(vault) void vault_pass(int i) {
  if (!vault_flex) {
    struct pair *p = calloc(1, sizeof *p);
    p->a = 0x11223344;
    p->b = 0x55667788;
    vault_flex = calloc(1, sizeof *vault_flex + 2 * sizeof(struct small *));
    for (int k = 0; k < 2; k++)
      vault_rows[k] = vault_flex->rows[k] = (struct small *)p;
  }
  struct small **pp = vault_rows;
  show_pair("array element", *(struct pair *)vault_rows[i]);
  show_pair("flexible element", *(struct pair *)vault_flex->rows[i]);
  show_pair("through pointer to pointers", *(struct pair *)pp[i]);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  vault_pass(1);
  return 0;
}
