// Review 90b, attacker B (the default domain's code). A struct a
// compartment passes from behind a pointer whose record no debug type
// says: one a call through a function pointer returns, `*vault_fp()`; one
// a function of another file returns, `*vault_lookup(k)` (a declaration
// here); one a `void *` is cast to, `*(struct small *)vault_any`. The pass
// finds no object for the load (recordAt: a direct call of a function the
// module defines, a variable's or member's debug type) and leaves all of
// the struct's padding, the vault's key bytes, in the argument register
// for the default domain's callee.
// Fixed from -O1 on: the callee's parameter says the argument is a
// struct small (RecordLayouts.cpp argumentPieces; clang describes the
// callee of a call from -O1 on). Open at -O0, where it does not:
// attacks-rev90b-unknown-pointee-O0.test.
// Before (in the guest, -O2, -O0 and without compartment stacks): ATTACK
// SUCCEEDED in each of the three cases.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s %S/Inputs/rev90b-lookup.c %S/Inputs/pointee-sink.c -o %t
// RUN: %run %t | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-compartment-stacks -O2 %s %S/Inputs/rev90b-lookup.c %S/Inputs/pointee-sink.c -o %tn
// RUN: %run %tn | FileCheck %s
// CHECK: pointer call: check 90 n 0x7
// CHECK: other file: check 90 n 0x8
// CHECK: void pointer: check 90 n 0x9
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: key bytes in the padding: none
#include "Inputs/check.h"
#include "Inputs/vault-word.h"
#include "Inputs/pointee-sink.h"

struct small *vault_lookup(int k);

BULKHEAD_DATA(vault) struct small *(*vault_fp)(int);
BULKHEAD_DATA(vault) void *vault_any;

BULKHEAD_ENTRY(vault) void vault_pass(int how) {
  if (!vault_fp) {
    vault_fp = vault_lookup;
    vault_any = vault_lookup(3);
  }
  struct small *s = vault_lookup(how);
  VAULT_FILL(s, s->check = 'Z', s->n = 7 + how);
  switch (how) {
  case 0:
    keep_small(*vault_fp(how));
    break;
  case 1:
    keep_small(*vault_lookup(how));
    break;
  case 2:
    memcpy(vault_any, s, sizeof *s);
    keep_small(*(struct small *)vault_any);
    break;
  }
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int found = 0;
  const char *names[] = {"pointer call", "other file", "void pointer"};
  for (int how = 0; how < 3; how++) {
    vault_pass(how);
    /* The attacker: what the default domain's callee was passed. */
    found |= report_small(names[how]);
  }
  printf("key bytes in the padding: %s\n", found ? "some" : "none");
  return 0;
}
