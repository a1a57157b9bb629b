// Review 93a, correctness: a call through a function pointer variable
// takes its padding masks from the variable's function pointer type
// (attacks-rev93a-pointer-call.c), but C may convert the pointer to the
// callee's real type before the call, `((void (*)(long))p)(x)` of a
// `void (*p)(struct small)`: the IR call is the same (i64), and the
// struct's mask would clear bytes 1-3 of the long. The argument clang
// marks noundef (a scalar; a struct passed as integers never is) takes no
// record's mask. Without that check: 0x1122334455667788 arrived as
// 0x1122334400000088 in the guest at -O2. Each call must pass
// its values as plain clang does.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-compartment-stacks -O1 %s -o %tn
// RUN: %run %tn | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -O0 %s -o %t0
// RUN: %run %t0 | FileCheck %s
// CHECK: long 0x1122334455667788
// CHECK-NEXT: long 0x1122334455667788
// CHECK-NEXT: small Z 0x1020304
#include "Inputs/check.h"

struct small { char check; int n; };
typedef void small_fn(struct small);

void take_long(long x) { printf("long %#lx\n", x); }
void take_small(struct small s) { printf("small %c %#x\n", s.check, s.n); }

small_fn *volatile stored = (small_fn *)take_long;
BULKHEAD_DATA(vault) volatile long vault_x = 0x1122334455667788;

BULKHEAD_ENTRY(vault) void vault_pass(void) {
  long x = vault_x;
  ((void (*)(long))stored)(x);
  small_fn *volatile local = stored;
  ((void (*)(long))local)(x);
  stored = take_small;
  struct small s = {'Z', 0x01020304 + (int)(x >> 62)};
  stored(s);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  vault_pass();
  return 0;
}
