// Review 92b, attacker model B (the default domain's callee reads the raw
// argument registers a call out of the vault arrives with). c9acc58 (review
// 91a's fix) took any element of an array of record pointers for the
// array's first, looking the pointer up at the array's start, even for a
// constant index. In `union { struct small *s[2]; struct pair *p; }` the
// array's first element shares its offset with p, a pointer to another
// record: no one pointee is noted there, and `*q->u.s[1]`, which before
// c9acc58 found s[1]'s struct small at its own offset, found none; the
// variable index `*q->u.s[i]` found none before c9acc58 too. The struct
// small's padding bytes 1-3, which the vault filled from its key word,
// went out in rdi.
// Before (in the guest, c9acc58, -O2 and -O0): ATTACK SUCCEEDED in both
// cases (at c9acc58's parent, in the second only).
// Fixed: an array of pointers' element pointee is noted at the array's
// start apart from the pointers at each offset (RecordLayouts.cpp
// ArrayMembers), where no union member that is no such array hides it,
// and the element's own offset is tried after it. That fix was not
// merged: from -O1 on keep_small's parameter gives the record
// (RecordLayouts.cpp argumentPieces); at -O0 this stays open
// (attacks-rev92b-union-array-start-O0.test).
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s %S/Inputs/pointee-sink.c -o %t
// RUN: %run %t | FileCheck %s
// CHECK: constant index: check 90 n 0x1020304
// CHECK: variable index: check 90 n 0x1020304
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: key bytes in the padding: none
#include "Inputs/check.h"
#include "Inputs/vault-word.h"
#include "Inputs/pointee-sink.h"

struct pair { int a, b; };
struct q { long k; union { struct small *s[2]; struct pair *p; } u; };

BULKHEAD_DATA(vault) struct q *vault_q;

BULKHEAD_ENTRY(vault) void vault_pass(int how, int i) {
  if (!vault_q) {
    vault_q = calloc(1, sizeof *vault_q);
    vault_q->u.s[0] = vault_q->u.s[1] = calloc(1, sizeof(struct small));
  }
  struct small *p = vault_q->u.s[1];
  VAULT_FILL(p, p->check = 'Z'; p->n = 0x01020304);
  if (how == 0)
    keep_small(*vault_q->u.s[1]);
  else
    keep_small(*vault_q->u.s[i]);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int found = 0;
  const char *names[] = {"constant index", "variable index"};
  for (int how = 0; how < 2; how++) {
    forget_seen();
    vault_pass(how, 1);
    found |= report_small(names[how]);
  }
  printf("key bytes in the padding: %s\n", found ? "some" : "none");
  return 0;
}
