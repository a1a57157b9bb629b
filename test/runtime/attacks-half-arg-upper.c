// Attacker model B (the default domain's program counter: its code reads
// the registers a compartment's call gives it). A _Float16 argument is the
// low 2 bytes of an xmm register, and nothing cut it out of the register
// the compartment computed it in: the cut of float and double arguments
// (review 82a) used an asm operand of the value's own type, which LLVM 19
// cannot give a half. Here the vault adds a delta to its vector of eight
// halves, whose lanes 4-7 hold its secret, and passes lane 0 to a
// default-domain function, the attacker's, which stores all of xmm0 as it
// arrives. Before: ATTACK SUCCEEDED in
// each run below, natively with BULKHEAD_ALLOW_UNPROTECTED=1 and 3 of 3
// in the guest (the compiler reloads the whole vector into xmm0 after the
// call site's scrub). Now a half argument of a call that may leave a
// compartment is cut as lane 0 of an <8 x i16> (pass/Gate.cpp
// cutIntegerArgs), which stays in a vector register to the call.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -O0 %s -o %t0
// RUN: %run %t0 | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-compartment-stacks -O2 %s -o %tn
// RUN: %run %tn | FileCheck %s
// CHECK: lane 0 received: 1.0
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: the vault's secret in xmm0: no
#include "Inputs/check.h"

typedef _Float16 v8h __attribute__((vector_size(16)));
#define SECRET "PIN=7319"
/* Lanes 0-3: public; lanes 4-7: the vault's secret. */
BULKHEAD_DATA(vault) union {
  v8h h;
  char c[16];
} vault_acc = {.c = "\0\0\0\0\0\0\0\0" SECRET};

/* The attacker's code: xmm0 whole, as it arrives. */
char seen[16];
_Float16 lane0;
__attribute__((noinline)) void take_half(_Float16 x) {
  __asm__ volatile("movdqu %%xmm0, %0" : "=m"(seen));
  lane0 = x;
}

BULKHEAD_ENTRY(vault) void vault_add(const v8h *delta) {
  v8h s = vault_acc.h + *delta;
  vault_acc.h = s;
  take_half(s[0]);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  static const v8h delta = {1};
  vault_add(&delta);
  printf("lane 0 received: %.1f\n", (double)lane0);
  /* Rebuilt from the literal: main cannot read the vault's copy. */
  static const char want[8] = SECRET;
  int found = 0;
  for (int i = 2; i + 8 <= 16; i++)
    found |= !memcmp(seen + i, want, 8);
  if (found)
    printf("ATTACK SUCCEEDED: the vault's secret reached the attacker's "
           "xmm0\n");
  printf("the vault's secret in xmm0: %s\n", found ? "yes" : "no");
  return 0;
}
