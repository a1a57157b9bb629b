// Review 91b, attacker model B (the default domain's code reads the
// registers a call out of the vault arrives with). `keep_mid(vault_tm)` of
// a struct mid {int; char; int} (12 bytes, bytes 5-7 padding) that the
// vault keeps in a thread-local variable, and of an element of a
// thread-local array: clang copies the 12 bytes into a temporary of
// {i64, i32} with a memcpy, whose source, an escaping use of the
// variable's address, pass/ThreadLocals.cpp rewrites to the FS base plus
// the variable's offset (`tls.address`: a GEP of i8 from
// __bulkhead_fs_base()), and gates are made after that rewrite:
// pass/Padding.cpp's rootOf found no variable behind it, and the padding,
// which the vault had filled from its key word, went out in rdi. Before:
// ATTACK SUCCEEDED in the guest at -O2, -O0 and without compartment
// stacks, both cases.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s %S/Inputs/pointee-sink.c -o %t
// RUN: %run %t | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -O0 %s %S/Inputs/pointee-sink.c -o %t0
// RUN: %run %t0 | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-compartment-stacks -O2 %s %S/Inputs/pointee-sink.c -o %tn
// RUN: %run %tn | FileCheck %s
// CHECK: thread-local struct: x {{.*}} check 90 y 0x1020304
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: key bytes in the padding: none
// CHECK: thread-local element: x {{.*}} check 90 y 0x1020304
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: key bytes in the padding: none
#include "Inputs/check.h"
#include "Inputs/vault-word.h"
#include "Inputs/pointee-sink.h"


static _Thread_local struct mid vault_tm;
static _Thread_local struct mid vault_tma[2];
BULKHEAD_DATA(vault) volatile int vault_k = 1;

BULKHEAD_ENTRY(vault) void vault_pass(int which) {
  uint64_t w = vault_word(vault_i);
  struct mid *m = which ? &vault_tma[vault_k] : &vault_tm;
  memcpy(m, &w, 8);
  m->x = 0x0a0b0c0d;
  m->check = 'Z';
  m->y = 0x01020304;
  if (which)
    keep_mid(vault_tma[vault_k]);
  else
    keep_mid(vault_tm);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  for (int which = 0; which < 2; which++) {
    forget_seen();
    vault_pass(which);
    int found = report_mid(which ? "thread-local element" : "thread-local struct");
    printf("key bytes in the padding: %s\n", found ? "some" : "none");
  }
  return 0;
}
