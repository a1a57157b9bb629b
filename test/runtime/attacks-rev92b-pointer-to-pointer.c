// Review 92b, attacker model B (the default domain's callee reads the raw
// argument registers a call out of the vault arrives with). Review 91a's
// fix found the record of `*rows[i]` for an array of record pointers; but
// the same array is mostly reached through a pointer to its pointers: a
// local `struct small **pp = rows` (or `&rows[0]`), `*pp[i]`, `**pp`, a
// growable vector's member `struct small **items`, `*v->items[i]`, a
// global `struct small **`, a parameter, a pointer to the array
// (`struct small *(*pa)[2]`, `*(*pa)[i]`) and an array of pointers to
// pointers (`*pps[0][i]`). The pointer loaded from `pp[i]`
// is read through a loaded pointer, no variable or member: no record was
// found for the struct small loaded from it, and its padding bytes 1-3,
// which the vault filled from its key word, went out in rdi.
// Before (in the guest, c9acc58, -O2 and -O0): ATTACK SUCCEEDED in each
// case (9 of 9).
// Fixed by review 92a's commits (merged instead of 92b's own, which did
// the same): a variable, member or result of a pointer-to-pointer debug
// type notes the record its pointers point to (RecordLayouts.cpp, level 1
// of PointerVariables, PointerMembers, PointerResults), and a pointer read
// through a loaded pointer takes that record.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s %S/Inputs/pointee-sink.c -o %t
// RUN: %run %t | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -O0 %s %S/Inputs/pointee-sink.c -o %t0
// RUN: %run %t0 | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-compartment-stacks -O2 %s %S/Inputs/pointee-sink.c -o %t1
// RUN: %run %t1 | FileCheck %s
// CHECK: local pp[i]: check 90 n 0x1020304
// CHECK: local &rows[0] indexed: check 90 n 0x1020304
// CHECK: local **pp: check 90 n 0x1020304
// CHECK: member items[i]: check 90 n 0x1020304
// CHECK: global pp[i]: check 90 n 0x1020304
// CHECK: member items + i: check 90 n 0x1020304
// CHECK: parameter arg[i]: check 90 n 0x1020304
// CHECK: pointer to array: check 90 n 0x1020304
// CHECK: array of pointers to pointers: check 90 n 0x1020304
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: key bytes in the padding: none
#include "Inputs/check.h"
#include "Inputs/vault-word.h"
#include "Inputs/pointee-sink.h"

struct vec { int n; struct small **items; };

BULKHEAD_DATA(vault) struct small *vault_rows[2];
BULKHEAD_DATA(vault) struct vec *vault_vec;
BULKHEAD_DATA(vault) struct small **vault_pp;
BULKHEAD_DATA(vault) struct small *(*vault_pa)[2];
BULKHEAD_DATA(vault) struct small **vault_pps[2];

BULKHEAD_INTERNAL(vault) __attribute__((noinline)) static void
pass_from(struct small **arg, int i) {
  keep_small(*arg[i]);
}

BULKHEAD_ENTRY(vault) void vault_pass(int how, int i) {
  if (!vault_vec) {
    vault_vec = calloc(1, sizeof *vault_vec);
    vault_vec->items = vault_pp = vault_pps[0] = vault_pps[1] = vault_rows;
    vault_pa = &vault_rows;
    vault_rows[0] = vault_rows[1] = calloc(1, sizeof(struct small));
  }
  struct small *p = vault_rows[1];
  VAULT_FILL(p, p->check = 'Z'; p->n = 0x01020304);
  struct small **pp = vault_rows;
  struct small **q = &vault_rows[0];
  switch (how) {
  case 0: keep_small(*pp[i]); break;
  case 1: keep_small(*q[i]); break;
  case 2: keep_small(**pp); break;
  case 3: keep_small(*vault_vec->items[i]); break;
  case 4: keep_small(*vault_pp[i]); break;
  case 5: keep_small(**(vault_vec->items + i)); break;
  case 6: pass_from(vault_rows, i); break;
  case 7: keep_small(*(*vault_pa)[i]); break;
  case 8: keep_small(*vault_pps[0][i]); break;
  }
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int found = 0;
  const char *names[] = {"local pp[i]",     "local &rows[0] indexed",
                         "local **pp",      "member items[i]",
                         "global pp[i]",    "member items + i",
                         "parameter arg[i]", "pointer to array",
                         "array of pointers to pointers"};
  for (int how = 0; how < 9; how++) {
    forget_seen();
    vault_pass(how, 1);
    found |= report_small(names[how]);
  }
  printf("key bytes in the padding: %s\n", found ? "some" : "none");
  return 0;
}
