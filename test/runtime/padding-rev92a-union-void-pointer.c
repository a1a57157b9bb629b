// A correctness check (review 92a, no secret). Two pointers at one offset
// to records of different layouts give none (review 89b), but a pointer
// to no record (`void *`, `void **`) did not count: of a union { struct
// small *s; void *v; } the record at its offset was small's alone, and
// `*(struct pun *)q->u.v` (8 bytes, as small is, no padding) had small's
// padding, bytes 1-3, cleared: lo 0x22 hi 0 instead of lo 0x1122 hi
// 0x3344. The same through a pointer to pointers, `struct small **` beside
// `void **` (`*(struct pun *)q->u.v[i]`), once such a pointer's records
// are found (review 92a's fix of attacks-rev92a-pointer-to-pointer.c).
// Before (in the guest, -O2 and -O0): pun: lo 0x22 hi 0 (the first case on
// c9acc58, both with the pointer-to-pointer fix).
// Fixed: any pointer at an offset counts, one to no record as none.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s %S/Inputs/rev92a-sink.c -o %t
// RUN: %run %t | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -O0 %s %S/Inputs/rev92a-sink.c -o %t0
// RUN: %run %t0 | FileCheck %s
// CHECK: pun: lo 0x1122 hi 0x3344 n 0x55667788
// CHECK: pun: lo 0x1122 hi 0x3344 n 0x55667788
#include "Inputs/check.h"

struct small { char check; int n; };  /* bytes 1-3 padding */
struct pun { short lo, hi; int n; };  /* 8 bytes, no padding */
struct one { int k; union { struct small *s; void *v; } u; };
struct two { int k; union { struct small **s; void **v; } u; };
void keep_pun(struct pun p);

BULKHEAD_DATA(vault) struct one *vault_one;
BULKHEAD_DATA(vault) struct two *vault_two;

BULKHEAD_ENTRY(vault) void vault_pass(int how, int i) {
  if (!vault_one) {
    struct pun *p = calloc(1, sizeof *p);
    p->lo = 0x1122;
    p->hi = 0x3344;
    p->n = 0x55667788;
    vault_one = calloc(1, sizeof *vault_one);
    vault_one->u.v = p;
    vault_two = calloc(1, sizeof *vault_two);
    vault_two->u.v = calloc(2, sizeof(void *));
    vault_two->u.v[0] = vault_two->u.v[1] = p;
  }
  if (how == 0)
    keep_pun(*(struct pun *)vault_one->u.v);
  else
    keep_pun(*(struct pun *)vault_two->u.v[i]);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  vault_pass(0, 1);
  vault_pass(1, 1);
  return 0;
}
