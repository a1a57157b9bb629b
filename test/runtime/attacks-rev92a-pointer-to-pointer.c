// Review 92a, attacker model A (the default domain's honest callee keeps
// what a call out of the vault passes it in a global; the attacker reads
// key-0 memory). Review 91a's fix finds the record an element of an array
// of record pointers points to where the array is indexed in place
// (`*rows[i]`, `*q->s[i]`). An array is as often reached through a
// pointer to its elements, `struct small **`: `**(rows + i)` (the array
// decays, then pointer arithmetic), a member `struct small **rows` of a
// struct the vault allocated (`*d->rows[i]`, the commonest dynamic array),
// a local `struct small **local = rows` or a parameter `pp[i]`, and a
// pointer to the array, `(*pa)[i]`: the element is loaded through a
// pointer that was itself loaded, no variable or member of a record
// pointer type is where it came from. And a row of an array of arrays
// reached by pointer arithmetic, `(*(m + i))[i]`, is a GEP over whole rows
// by a variable first index, which ended review 91a's walk. No record was
// found, and small's padding bytes 1-3, which the vault filled from its
// key word, went out.
// Before (in the guest, -O2 and -O0, LLVM 19 and 22): ATTACK SUCCEEDED in
// each case (the row's found on the first fix, 6b351cb, too).
// Fixed: a pointer loaded from a pointer to record pointers (or to an
// array of them), `p[i]` or `*p`, points to the record that the debug
// type of the variable, member or result that pointer came from says; a
// GEP over arrays of pointers by any first index keeps to them.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s %S/Inputs/pointee-sink.c -o %t
// RUN: %run %t | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -O0 %s %S/Inputs/pointee-sink.c -o %t0
// RUN: %run %t0 | FileCheck %s
// CHECK: decayed: check 90 n 0x1020304
// CHECK: member: check 90 n 0x1020304
// CHECK: local: check 90 n 0x1020304
// CHECK: parameter: check 90 n 0x1020304
// CHECK: pointer to array: check 90 n 0x1020304
// CHECK: first: check 90 n 0x1020304
// CHECK: row: check 90 n 0x1020304
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: key bytes in the padding: none
#include "Inputs/check.h"
#include "Inputs/vault-word.h"
#include "Inputs/pointee-sink.h"

struct dyn { int count; struct small **rows; };

BULKHEAD_DATA(vault) struct small *vault_rows[2];
BULKHEAD_DATA(vault) struct dyn *vault_dyn;
BULKHEAD_DATA(vault) struct small *vault_m[2][2];

BULKHEAD_INTERNAL(vault) __attribute__((noinline)) static void
pass_row(struct small **pp, int i) {
  keep_small(*pp[i]);
}

BULKHEAD_ENTRY(vault) void vault_pass(int how, int i) {
  if (!vault_dyn) {
    vault_dyn = calloc(1, sizeof *vault_dyn);
    vault_dyn->rows = calloc(2, sizeof(struct small *));
    for (int k = 0; k < 2; k++)
      vault_rows[k] = vault_dyn->rows[k] = vault_m[k][0] = vault_m[k][1] =
          calloc(1, sizeof(struct small));
  }
  struct small *p = vault_rows[i];
  VAULT_FILL(p, p->check = 'Z', p->n = 0x01020304);
  struct small **local = vault_rows;
  struct small *(*pa)[2] = &vault_rows;
  switch (how) {
  case 0: keep_small(**(vault_rows + i)); break;
  case 1: keep_small(*vault_dyn->rows[i]); break;
  case 2: keep_small(*local[i]); break;
  case 3: pass_row(vault_rows, i); break;
  case 4: keep_small(*(*pa)[i]); break;
  case 5: keep_small(**(vault_dyn->rows + 1)); break;
  case 6: keep_small(*(*(vault_m + i))[i]); break;
  }
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int found = 0;
  const char *names[] = {"decayed", "member", "local", "parameter",
                         "pointer to array", "first", "row"};
  for (int how = 0; how < 7; how++) {
    forget_seen();
    vault_pass(how, 1);
    found |= report_small(names[how]);
  }
  printf("key bytes in the padding: %s\n", found ? "some" : "none");
  return 0;
}
