// Review 79a, attacker model A (key-0 loads only, no control of the
// program counter). The way back from a compartment keeps the registers
// that carry the result, xmm0 for a double, whole: the scrub routine
// (__bulkhead_scrub_vectors.1) kept all 128 bits of xmm0, so whatever the
// vault left in the bits above the double came back with it. Here the vault
// keeps a two-lane vector, a public running total (lane 0) and a secret
// (lane 1), and returns lane 0: at -O2 the compiler returns the very
// register it computed the vector in. The default domain's honest variadic
// call with the total (snprintf "%.1f") saves xmm0-7, all 128 bits, in its
// register save area, key-0 stack memory, and the secret lies there. ATTACK
// SUCCEEDED 3 of 3 in the guest at -O2 before the fix (and natively with
// BULKHEAD_ALLOW_UNPROTECTED=1); at -O0 the vault reloads the lane with
// movsd, which clears the rest. The float case keeps 4 bytes of 16.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t | FileCheck %s
// RUN: %run %t float | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -O0 %s -o %t0
// RUN: %run %t0 | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-compartment-stacks -O2 %s -o %ts
// RUN: %run %ts | FileCheck %s
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: total 1.0; secret found on the stack: no
#include "Inputs/check.h"
#include "Inputs/key-scan.h"

typedef double v2d __attribute__((vector_size(16)));
typedef float v4f __attribute__((vector_size(16)));
#define SECRET "PIN=7319"
/* Lane 0: a public running total; lane 1 (the float case: lanes 2-3): the
 * vault's secret. */
BULKHEAD_DATA(vault) union {
  v2d d;
  v4f f;
  char c[16];
} vault_acc = {.c = "\0\0\0\0\0\0\0\0" SECRET};

BULKHEAD_ENTRY(vault) double vault_add(const v2d *delta) {
  v2d s = vault_acc.d + *delta;
  vault_acc.d = s;
  return s[0];
}

BULKHEAD_ENTRY(vault) float vault_addf(const v4f *delta) {
  v4f s = vault_acc.f + *delta;
  vault_acc.f = s;
  return s[0];
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  static const v2d delta = {1.0, 0.0};
  static const v4f deltaf = {1.0f, 0.0f, 0.0f, 0.0f};
  char line[64];
  if (argc > 1 && !strcmp(argv[1], "float"))
    snprintf(line, sizeof line, "total %.1f", vault_addf(&deltaf));
  else
    snprintf(line, sizeof line, "total %.1f", vault_add(&delta));
  const char *sp;
  __asm__ volatile("movq %%rsp, %0" : "=r"(sp));
  /* Rebuilt from the literal: main cannot read the vault's copy. */
  static const char want[8] = SECRET;
  int found = dead_stack_has(sp, want, 8);
  if (found)
    printf("ATTACK SUCCEEDED: the vault's secret is in key-0 stack memory\n");
  printf("%s; secret found on the stack: %s\n", line, found ? "yes" : "no");
  return 0;
}
