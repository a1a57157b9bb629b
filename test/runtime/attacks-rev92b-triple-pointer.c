// Review 92b, attacker model B (the default domain's callee reads the raw
// argument registers a call out of the vault arrives with). OPEN (XFAIL):
// review 92b's fix finds the record of a pointer read through a pointer to
// pointers (`*pp[i]`, attacks-rev92b-pointer-to-pointer.c), one level of
// loaded pointer; through two, a `struct small ***` (a table of rows of
// record pointers, `*t[i][j]`, `***t`), no variable or member says what
// the innermost pointers point to, and the struct small's padding bytes
// 1-3, which the vault filled from its key word, go out in rdi.
// In the guest (after review 92b's fix, -O2 and -O0): ATTACK SUCCEEDED in
// both cases. Review 92a's fix, merged instead, goes two levels as well.
// From -O1 on keep_small's parameter gives the record (RecordLayouts.cpp
// argumentPieces); the -O0 runs still fail.
// XFAIL: *
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s %S/Inputs/pointee-sink.c -o %t
// RUN: %run %t | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -O0 %s %S/Inputs/pointee-sink.c -o %t0
// RUN: %run %t0 | FileCheck %s
// CHECK: t[i][j]: check 90 n 0x1020304
// CHECK: ***t: check 90 n 0x1020304
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: key bytes in the padding: none
#include "Inputs/check.h"
#include "Inputs/vault-word.h"
#include "Inputs/pointee-sink.h"


BULKHEAD_DATA(vault) struct small *vault_rows[2];
BULKHEAD_DATA(vault) struct small **vault_table[2];
BULKHEAD_DATA(vault) struct small ***vault_t;

BULKHEAD_ENTRY(vault) void vault_pass(int how, int i) {
  if (!vault_t) {
    vault_rows[0] = vault_rows[1] = calloc(1, sizeof(struct small));
    vault_table[0] = vault_table[1] = vault_rows;
    vault_t = vault_table;
  }
  struct small *p = vault_rows[1];
  VAULT_FILL(p, p->check = 'Z'; p->n = 0x01020304);
  if (how == 0)
    keep_small(*vault_t[i][i]);
  else
    keep_small(***vault_t);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int found = 0;
  const char *names[] = {"t[i][j]", "***t"};
  for (int how = 0; how < 2; how++) {
    forget_seen();
    vault_pass(how, 1);
    found |= report_small(names[how]);
  }
  printf("key bytes in the padding: %s\n", found ? "some" : "none");
  return 0;
}
