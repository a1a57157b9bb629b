// Review 90a, attacker model A (the default domain's honest callee keeps
// what a call out of the vault passes it in a global; the attacker reads
// key-0 memory). `keep_small(*vault_cur)` of a struct small on the vault's
// heap, through a pointer kept in a thread-local variable: clang reaches
// the variable through llvm.threadlocal.address, which the compartment
// pass then rewrites to an %fs-relative address (pass/ThreadLocals.cpp),
// and pass/Padding.cpp's rootOf found neither to be the variable, so no
// record was known for the pointee and small's padding bytes 1-3, which
// the vault had filled from its key word, went out with it. Before: ATTACK
// SUCCEEDED in the guest at -O2, -O0 and without compartment stacks. Now a
// thread-local variable's address, in either form, is the variable's.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s %S/Inputs/pointee-sink.c -o %t
// RUN: %run %t | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -O0 %s %S/Inputs/pointee-sink.c -o %t0
// RUN: %run %t0 | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-compartment-stacks -O2 %s %S/Inputs/pointee-sink.c -o %tn
// RUN: %run %tn | FileCheck %s
// CHECK: thread-local pointer: check 90 n 0x1020304
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: key bytes in the padding: none
#include "Inputs/check.h"
#include "Inputs/vault-word.h"
#include "Inputs/pointee-sink.h"


static _Thread_local struct small *vault_cur;

BULKHEAD_ENTRY(vault) void vault_pass(void) {
  if (!vault_cur)
    vault_cur = calloc(1, sizeof *vault_cur);
  uint64_t w = vault_word(vault_i);
  memcpy(vault_cur, &w, 8);
  vault_cur->check = 'Z';
  vault_cur->n = 0x01020304;
  keep_small(*vault_cur);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  vault_pass();
  int found = report_small("thread-local pointer");
  printf("key bytes in the padding: %s\n", found ? "some" : "none");
  return 0;
}
