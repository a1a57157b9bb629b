// Issue 11, break 6: a pointer to a BULKHEAD_INTERNAL function works only for
// callers that already hold its compartment's rights. The vault hands its
// internal `peek` to a default-domain registration function (allowed, as
// for qsort); the default domain then calls it through that pointer, and so
// does another compartment: both must trap before `peek` runs, not read
// the secret out. The vault itself still calls `peek` through a pointer,
// directly and as qsort's comparator.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t own | FileCheck %s --check-prefix=OWN
// RUN: not %run %t attack > %t.out 2>&1; FileCheck %s < %t.out
// RUN: not %run %t other > %t.other 2>&1; FileCheck %s < %t.other
// RUN: %bulkhead_clang -fpkey-compartments -O0 %s -o %t0
// RUN: %run %t0 own | FileCheck %s --check-prefix=OWN
// RUN: not %run %t0 attack > %t0.out 2>&1; FileCheck %s < %t0.out
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-compartment-stacks -O2 %s -o %ts
// RUN: %run %ts own | FileCheck %s --check-prefix=OWN
// RUN: not %run %ts attack > %ts.out 2>&1; FileCheck %s < %ts.out
// RUN: not %run %ts other > %ts.other 2>&1; FileCheck %s < %ts.other
// OWN: own: T T sorted 1 2 3
// CHECK-NOT: TOP-SECRET
// CHECK: bulkhead: error: 'peek', internal to compartment 'vault', called through a pointer without the compartment's rights
// CHECK-NOT: TOP-SECRET
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bulkhead.h>

BULKHEAD_DATA(vault) static char secret[32] = "TOP-SECRET-VAULT-KEY-0123456789";
BULKHEAD_DATA(vault) static int nums[3] = {3, 1, 2};

// ---- default domain ------------------------------------------------------
static int (*volatile registered)(int); // key-0 memory
void register_peek(int (*f)(int)) { registered = f; }

// ---- the vault -----------------------------------------------------------
BULKHEAD_INTERNAL(vault) static int peek(int i) { return secret[i]; }
BULKHEAD_INTERNAL(vault) static int by_value(const void *a, const void *b) {
  return *(const int *)a - *(const int *)b;
}
BULKHEAD_ENTRY(vault) void vault_init(void) { register_peek(peek); }
BULKHEAD_ENTRY(vault) int vault_own(char out[2]) {
  int (*volatile p)(int) = peek;
  out[0] = (char)p(0);
  out[1] = (char)registered(0); // the pointer it handed out, called inside
  qsort(nums, 3, sizeof nums[0], by_value);
  return nums[0] * 100 + nums[1] * 10 + nums[2];
}

// ---- another compartment that got hold of the pointer ---------------------
BULKHEAD_ENTRY(other) int other_peek(int i) { return registered(i); }

int main(int argc, char **argv) {
  if (argc != 2)
    return 2;
  vault_init();
  if (!strcmp(argv[1], "own")) {
    char c[2];
    int sorted = vault_own(c);
    printf("own: %c %c sorted %d %d %d\n", c[0], c[1], sorted / 100,
           sorted / 10 % 10, sorted % 10);
    return 0;
  }
  char out[32] = {0};
  for (int i = 0; i < 31; i++) /* the oracle */
    out[i] = (char)(!strcmp(argv[1], "other") ? other_peek(i) : registered(i));
  printf("read: %s\n", out);
  return 0;
}
