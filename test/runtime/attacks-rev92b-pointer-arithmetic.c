// Review 92b, attacker model B (the default domain's callee reads the raw
// argument registers a call out of the vault arrives with). Review 91a
// made any element of an array of record pointers point to what the
// array's type says, for `rows[i]` and `q->s[i]`: a GEP of the array's
// type, its first index 0. Pointer arithmetic on the same array,
// `*(rows + i)`, `**(q->s + i)`, `*(&rows[1])[i - 1]`, is a GEP of the
// pointer's type (`getelementptr ptr, ptr @vault_rows, i64 %i`), which
// pass/Padding.cpp's pointeeOf did not look through: no record was found
// for the struct small loaded, and its padding bytes 1-3, which the vault
// filled from its key word, went out in rdi.
// Before (in the guest, c9acc58, -O2 and -O0): ATTACK SUCCEEDED in each
// of the four cases.
// Fixed by review 92a's commits (merged instead of 92b's own, which did
// the same): a GEP over pointers, or over arrays of them by any first
// index, keeps to the same pointers (pass/Padding.cpp pointeeOf).
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s %S/Inputs/pointee-sink.c -o %t
// RUN: %run %t | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -O0 %s %S/Inputs/pointee-sink.c -o %t0
// RUN: %run %t0 | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-compartment-stacks -O2 %s %S/Inputs/pointee-sink.c -o %t1
// RUN: %run %t1 | FileCheck %s
// CHECK: rows + i: check 90 n 0x1020304
// CHECK: member + i: check 90 n 0x1020304
// CHECK: &rows[1] indexed: check 90 n 0x1020304
// CHECK: (rows + i)[0]: check 90 n 0x1020304
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: key bytes in the padding: none
#include "Inputs/check.h"
#include "Inputs/vault-word.h"
#include "Inputs/pointee-sink.h"

struct holder { int k; struct small *s[2]; };

BULKHEAD_DATA(vault) struct small *vault_rows[2];
BULKHEAD_DATA(vault) struct holder *vault_holder;

BULKHEAD_ENTRY(vault) void vault_pass(int how, int i) {
  if (!vault_holder) {
    vault_holder = calloc(1, sizeof *vault_holder);
    for (int k = 0; k < 2; k++)
      vault_rows[k] = vault_holder->s[k] = calloc(1, sizeof(struct small));
  }
  struct small *p = vault_rows[1];
  VAULT_FILL(p, p->check = 'Z'; p->n = 0x01020304);
  switch (how) {
  case 0: keep_small(**(vault_rows + i)); break;
  case 1: keep_small(**(vault_holder->s + i)); break;
  case 2: keep_small(*(&vault_rows[1])[i - 1]); break;
  case 3: keep_small(*(vault_rows + i)[0]); break;
  }
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int found = 0;
  const char *names[] = {"rows + i", "member + i", "&rows[1] indexed",
                         "(rows + i)[0]"};
  for (int how = 0; how < 4; how++) {
    forget_seen();
    vault_pass(how, 1);
    found |= report_small(names[how]);
  }
  printf("key bytes in the padding: %s\n", found ? "some" : "none");
  return 0;
}
