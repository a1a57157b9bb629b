// Review 91b, attacker model B (the default domain's code reads the
// registers a call out of the vault arrives with). A struct passed from
// one of two objects chosen by a condition, `keep(*(c ? &a : &b))`: two
// BULKHEAD_DATA structs, two locals, two elements of an array (a struct
// mid of 12 bytes, which clang copies into its {i64, i32} temporary). The
// pointer is a phi or select of the objects' own addresses, and
// pass/Padding.cpp followed a phi or select only to pointers loaded from
// variables of a debug type (recordAt): the padding, which the vault had
// filled from its key word, went out. Before: ATTACK SUCCEEDED in the
// guest at -O2 and -O0, each case. Now a phi or select of objects of one
// type at one offset is that object.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s %S/Inputs/pointee-sink.c -o %t
// RUN: %run %t | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -O0 %s %S/Inputs/pointee-sink.c -o %t0
// RUN: %run %t0 | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-compartment-stacks -O2 %s %S/Inputs/pointee-sink.c -o %tn
// RUN: %run %tn | FileCheck %s
// CHECK: chosen globals: check 90 n 0x1020304
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: key bytes in the padding: none
// CHECK: chosen locals: check 90 n 0x1020304
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: key bytes in the padding: none
// CHECK: chosen elements: x {{.*}} check 90 y 0x1020304
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: key bytes in the padding: none
#include "Inputs/check.h"
#include "Inputs/vault-word.h"
#include "Inputs/pointee-sink.h"


BULKHEAD_DATA(vault) struct small vault_a, vault_b;
BULKHEAD_DATA(vault) struct mid vault_ma[4];
BULKHEAD_DATA(vault) volatile int vault_c = 1, vault_k = 2;

static void fill(void *p, int small) {
  uint64_t w = vault_word(vault_i);
  memcpy(p, &w, 8);
  if (small) {
    ((struct small *)p)->check = 'Z';
    ((struct small *)p)->n = 0x01020304;
  } else {
    ((struct mid *)p)->x = 0x0a0b0c0d;
    memcpy((char *)p + 8, &w, 4);
    ((struct mid *)p)->check = 'Z';
    ((struct mid *)p)->y = 0x01020304;
  }
}

BULKHEAD_ENTRY(vault) void vault_pass(int which) {
  if (which == 0) {
    fill(&vault_a, 1);
    fill(&vault_b, 1);
    keep_small(*(vault_c ? &vault_a : &vault_b));
  } else if (which == 1) {
    struct small a, b;
    fill(&a, 1);
    fill(&b, 1);
    keep_small(*(vault_c ? &a : &b));
  } else {
    int k = vault_k;
    fill(&vault_ma[k], 0);
    fill(&vault_ma[k - 1], 0);
    keep_mid(*(vault_c ? &vault_ma[k] : &vault_ma[k - 1]));
  }
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  static const char *what[] = {"chosen globals", "chosen locals",
                               "chosen elements"};
  for (int which = 0; which < 3; which++) {
    forget_seen();
    vault_pass(which);
    int found = which < 2 ? report_small(what[which]) : report_mid(what[which]);
    printf("key bytes in the padding: %s\n", found ? "some" : "none");
  }
  return 0;
}
