// Returning from a compartment clears the caller-saved registers that carry
// no result, so nothing the compartment left in them reaches the caller:
// the general-purpose ones and xmm0-15 (the default, -bulkhead-scrub=vector),
// the general-purpose ones only with -bulkhead-scrub=gpr. The compartment
// plants its secret in every such register just before returning; the
// caller reads them right after the call. With scrubbing off (or vectors
// left, gpr) the same program sees the secret, which shows the test can see
// a leak.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t && %run %t gpr | FileCheck %s --check-prefix=CLEAN
// RUN: %bulkhead_clang -fpkey-compartments -O0 %s -o %t0 && %run %t0 gpr | FileCheck %s --check-prefix=CLEAN
// RUN: %run %t vector | FileCheck %s --check-prefix=CLEANV
// RUN: %bulkhead_clang -fpkey-compartments -O2 -mllvm -bulkhead-scrub=gpr %s -o %t.g && %run %t.g vector | FileCheck %s --check-prefix=LEAKV
// RUN: %bulkhead_clang -fpkey-compartments -O2 -mllvm -bulkhead-scrub=none %s -o %t.none && %run %t.none gpr | FileCheck %s --check-prefix=LEAK
// The gates of shared-stack builds scrub the same registers:
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-compartment-stacks -O2 %s -o %ts && %run %ts gpr | FileCheck %s --check-prefix=CLEAN
// RUN: %run %ts vector | FileCheck %s --check-prefix=CLEANV
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-compartment-stacks -O2 -mllvm -bulkhead-scrub=gpr %s -o %ts.g && %run %ts.g vector | FileCheck %s --check-prefix=LEAKV
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-compartment-stacks -O2 -mllvm -bulkhead-scrub=none %s -o %ts.none && %run %ts.none gpr | FileCheck %s --check-prefix=LEAK
#include "Inputs/check.h"

BULKHEAD_DATA(vault) static volatile long secret = 0x5ec12e75ec12e7;

BULKHEAD_ENTRY(vault) int vault_plant(void) {
  long s = secret;
  __asm__ volatile("movq %0, %%rsi\n\t movq %0, %%rdi\n\t movq %0, %%r8\n\t"
                   "movq %0, %%r9\n\t movq %0, %%r10\n\t movq %0, %%r11\n\t"
                   "movq %0, %%xmm1\n\t movq %0, %%xmm2\n\t movq %0, %%xmm7\n\t"
                   "movq %0, %%xmm15"
                   :: "r"(s)
                   : "rsi", "rdi", "r8", "r9", "r10", "r11", "xmm1", "xmm2", "xmm7", "xmm15");
  return 1;
}

int main(int argc, char **argv) {
  CHECK(argc == 2);
  long gpr[6], xmm[4];
  int r = vault_plant();
  __asm__ volatile("movq %%rsi, 0(%0)\n\t movq %%rdi, 8(%0)\n\t movq %%r8, 16(%0)\n\t"
                   "movq %%r9, 24(%0)\n\t movq %%r10, 32(%0)\n\t movq %%r11, 40(%0)\n\t"
                   "movq %%xmm1, 0(%1)\n\t movq %%xmm2, 8(%1)\n\t movq %%xmm7, 16(%1)\n\t"
                   "movq %%xmm15, 24(%1)"
                   :: "a"(gpr), "d"(xmm) : "memory");
  CHECK(r == 1);
  int leaked = 0;
  for (int i = 0; i < 6; i++)
    leaked += gpr[i] == 0x5ec12e75ec12e7;
  printf("general-purpose registers holding the secret: %d\n", leaked);
  if (!strcmp(argv[1], "vector")) {
    int vleaked = 0;
    for (int i = 0; i < 4; i++)
      vleaked += xmm[i] == 0x5ec12e75ec12e7;
    printf("vector registers holding the secret: %d\n", vleaked);
  }
  return 0;
}
// CLEAN: general-purpose registers holding the secret: 0
// CLEANV: general-purpose registers holding the secret: 0
// CLEANV: vector registers holding the secret: 0
// LEAK: general-purpose registers holding the secret: {{[1-6]}}
// LEAKV: general-purpose registers holding the secret: 0
// LEAKV: vector registers holding the secret: {{[1-4]}}
