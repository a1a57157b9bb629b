// Review 92a, attacker model A (the default domain's honest callee keeps
// what a call out of the vault passes it in a global; the attacker reads
// key-0 memory). A record pointer variable's record is found by the
// variable's alloca (pass/RecordLayouts.cpp, read before anything is
// rewritten). An unannotated helper the vault calls runs as the vault's
// own copy of it (pass/HelperCopies.cpp), a clone whose allocas are new
// values: its parameter `struct small *p` (or `struct small **pp`) was no
// pointer variable there, `keep_small(*p)` found no record, and small's
// padding bytes 1-3, which the vault filled from its key word, went out.
// (Older than review 91a's change; a local struct in a helper is typed by
// its alloca and was cleared.)
// Before (in the guest, -O2 and -O0): ATTACK SUCCEEDED in both cases.
// Fixed: a helper's copy has its original's pointer variables.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s %S/Inputs/pointee-sink.c -o %t
// RUN: %run %t | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -O0 %s %S/Inputs/pointee-sink.c -o %t0
// RUN: %run %t0 | FileCheck %s
// CHECK: pointer: check 90 n 0x1020304
// CHECK: pointer to pointers: check 90 n 0x1020304
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: key bytes in the padding: none
#include "Inputs/check.h"
#include "Inputs/vault-word.h"
#include "Inputs/pointee-sink.h"


BULKHEAD_DATA(vault) struct small *vault_rows[2];

__attribute__((noinline)) static void pass_one(struct small *p) {
  keep_small(*p);
}

__attribute__((noinline)) static void pass_row(struct small **pp, int i) {
  keep_small(*pp[i]);
}

BULKHEAD_ENTRY(vault) void vault_pass(int how, int i) {
  if (!vault_rows[0])
    for (int k = 0; k < 2; k++)
      vault_rows[k] = calloc(1, sizeof(struct small));
  struct small *p = vault_rows[i];
  VAULT_FILL(p, p->check = 'Z', p->n = 0x01020304);
  if (how == 0)
    pass_one(p);
  else
    pass_row(vault_rows, i);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int found = 0;
  const char *names[] = {"pointer", "pointer to pointers"};
  for (int how = 0; how < 2; how++) {
    forget_seen();
    vault_pass(how, 1);
    found |= report_small(names[how]);
  }
  printf("key bytes in the padding: %s\n", found ? "some" : "none");
  return 0;
}
