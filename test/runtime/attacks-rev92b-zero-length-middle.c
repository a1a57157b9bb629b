// Review 92b, attacker model B (the default domain's callee reads the raw
// argument registers a call out of the vault arrives with). c9acc58 (review
// 91a's fix) noted a flexible array member of record pointers by its first
// element, for any array of no size: a GNU zero-length array in the middle
// of a struct, `struct z { long k; struct pair *a[0]; struct small *b; }`,
// got a pointer to a struct pair noted at b's offset, 8, beside b's to a
// struct small; two pointees at one offset give none, and `*z->b`, whose
// record was found before c9acc58, found none: the struct small's padding
// bytes 1-3, which the vault filled from its key word, went out in rdi.
// Before (in the guest, c9acc58, -O2 and -O0): ATTACK SUCCEEDED (at
// c9acc58's parent: none).
// Fixed by review 92a's commit 48b666d (merged instead of 92b's own):
// only a size-0 array that ends its struct is a flexible member noted by
// its first element.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s %S/Inputs/pointee-sink.c -o %t
// RUN: %run %t | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -O0 %s %S/Inputs/pointee-sink.c -o %t0
// RUN: %run %t0 | FileCheck %s
// CHECK: member after a[0]: check 90 n 0x1020304
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: key bytes in the padding: none
#include "Inputs/check.h"
#include "Inputs/vault-word.h"

struct small { char check; int n; };    /* bytes 1-3 padding */
struct pair { int a, b; };
struct z { long k; struct pair *a[0]; struct small *b; };
void keep_small(struct small s);
extern unsigned char seen_small[sizeof(struct small)];

BULKHEAD_DATA(vault) struct z *vault_z;

BULKHEAD_ENTRY(vault) void vault_pass(void) {
  if (!vault_z) {
    vault_z = calloc(1, sizeof *vault_z);
    vault_z->b = calloc(1, sizeof(struct small));
  }
  struct small *p = vault_z->b;
  VAULT_FILL(p, p->check = 'Z'; p->n = 0x01020304);
  keep_small(*vault_z->b);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int n;
  memset(seen_small, 0, sizeof seen_small);
  vault_pass();
  memcpy(&n, seen_small + 4, 4);
  printf("member after a[0]: check %d n %#x\n", seen_small[0], n);
  int found = key_bits_in("member after a[0]", seen_small, 1, 4, 0xff);
  printf("key bytes in the padding: %s\n", found ? "some" : "none");
  return 0;
}
