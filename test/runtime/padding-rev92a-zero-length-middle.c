// A correctness check (review 92a, no secret). Review 91a's fix notes a
// flexible array member of record pointers by its first element: any
// size-0 array of them got one element noted. A GNU zero-length array
// `struct small *none[0]` in the middle of a struct is no flexible member:
// the member after it, `void *any`, is at its offset, and a pointer
// loaded from `any` was taken to point to a struct small. `*(struct pun
// *)c->any` (8 bytes, as small is, no padding) then had small's padding,
// bytes 1-3, cleared: lo 0x22 hi 0 instead of lo 0x1122 hi 0x3344. So
// too where a struct ending in one is a member another member follows
// (`struct cor2 { struct inner in; void *any; }`).
// Before (in the guest, -O2 and -O0, LLVM 19 and 22): pun: lo 0x22 hi 0.
// Fixed: only a trailing array (the last member of a struct that is no
// other's member before another, no union's) is noted past its size.
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
struct cor { long count; struct small *none[0]; void *any; };
struct inner { long count; struct small *none[0]; };
struct cor2 { struct inner in; void *any; };
void keep_pun(struct pun p);

BULKHEAD_DATA(vault) struct cor *vault_cor;
BULKHEAD_DATA(vault) struct cor2 *vault_cor2;

BULKHEAD_ENTRY(vault) void vault_pass(int how) {
  if (!vault_cor) {
    vault_cor = calloc(1, sizeof *vault_cor);
    vault_cor->any = calloc(1, sizeof(struct pun));
    vault_cor2 = calloc(1, sizeof *vault_cor2);
    vault_cor2->any = vault_cor->any;
  }
  struct pun *p = vault_cor->any;
  p->lo = 0x1122;
  p->hi = 0x3344;
  p->n = 0x55667788;
  if (how == 0)
    keep_pun(*(struct pun *)vault_cor->any);
  else
    keep_pun(*(struct pun *)vault_cor2->any);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  vault_pass(0);
  vault_pass(1);
  return 0;
}
