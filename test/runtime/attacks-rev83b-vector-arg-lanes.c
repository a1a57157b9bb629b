// Review 83b, attacker model B (the default domain's program counter: here
// a callback of its own that the vault calls, which reads every register
// it receives). Review 82a cut float and double arguments out of a
// compartment to their bytes, and aaba395 an 8-byte vector (<2 x float>)
// as a double; a vector of another size went whole. A float3
// (ext_vector_type(3), passed as <3 x float>) carried the fourth lane of
// the vector the vault computed it in, and a _Complex _Float16 or a struct
// of two _Float16 (both <2 x half>) the other 12 bytes of their register:
// here the vault's secret, which the callback's xmm0 holds whole. ATTACK
// SUCCEEDED 3 of 3 in the guest before, in each stack mode: float3 at -O0
// and -O2, the <2 x half> cases at -O2. Now cutIntegerArgs cuts every
// vector narrower than its register to its store size (pass/Gate.cpp),
// and a trampoline out of a compartment cuts its xmm arguments again
// (pass/Stacks.cpp, cutSSEArgs): at -O0 instruction selection rebuilt a
// <2 x half> after the call site's cut from its two halves and the
// compartment's leftovers in the registers it used (not the secret here).
// Without compartment stacks that -O0 rebuild is still open (the IR cut is
// all there is there).
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t float3 | FileCheck %s
// RUN: %run %t complex-half | FileCheck %s
// RUN: %run %t two-halves | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -O0 %s -o %t0
// RUN: %run %t0 float3 | FileCheck %s
// RUN: %run %t0 complex-half | FileCheck %s
// RUN: %run %t0 two-halves | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-compartment-stacks -O2 %s -o %tn
// RUN: %run %tn float3 | FileCheck %s
// RUN: %run %tn complex-half | FileCheck %s
// RUN: %run %tn two-halves | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-compartment-stacks -O0 %s -o %tn0
// RUN: %run %tn0 float3 | FileCheck %s
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: x 1.0; xmm0 above the value: clean
#include "Inputs/check.h"

typedef float v4f __attribute__((ext_vector_type(4)));
typedef float float3 __attribute__((ext_vector_type(3)));
typedef _Float16 v8h __attribute__((vector_size(16)));
#define SECRET "PIN=7319"
/* Bytes 0-7: a public point (two floats, or four halves); 8-15: the
 * vault's secret. */
BULKHEAD_DATA(vault) union {
  v4f f;
  v8h h;
  char c[16];
} vault_pos = {.c = "\0\0\0\0\0\0\0\0" SECRET};

struct halves {
  _Float16 a, b;
};
/* The attacker's callbacks: xmm0 whole, as received. */
unsigned char seen[16];
#define TAKE_XMM0 __asm__("movdqu %xmm0, seen(%rip)\n\tret")
__attribute__((naked, noinline)) void take_float3(float3 p) { TAKE_XMM0; }
__attribute__((naked, noinline)) void take_complex(_Float16 _Complex z) {
  TAKE_XMM0;
}
__attribute__((naked, noinline)) void take_halves(struct halves h) {
  TAKE_XMM0;
}

BULKHEAD_ENTRY(vault) void vault_move(const v4f *delta, int how) {
  v4f s = vault_pos.f + *delta;
  vault_pos.f = s;
  v8h h = vault_pos.h;
  if (how == 0)
    take_float3(s.xyz);
  else if (how == 1) {
    _Float16 _Complex z;
    __real__ z = h[0];
    __imag__ z = h[1];
    take_complex(z);
  } else
    take_halves((struct halves){h[0], h[1]});
}

int main(int argc, char **argv) {
  static const v4f delta = {1.0f, 0.0f, 0.0f, 0.0f};
  int how = argc < 2 || !strcmp(argv[1], "float3") ? 0
            : !strcmp(argv[1], "complex-half")    ? 1
                                                  : 2;
  vault_move(&delta, how);
  /* The value: 12 bytes of a float3, 4 of two halves; nothing above it. */
  unsigned value = how == 0 ? 12 : 4;
  int clean = 1;
  for (unsigned i = value; i < 16; i++)
    clean &= !seen[i];
  /* Rebuilt from the literal: main cannot read the vault's copy. */
  static const char secret[] = SECRET;
  if (memmem(seen, 16, secret + 4, 4))
    printf("ATTACK SUCCEEDED: the vault's secret is in the callback's xmm0\n");
  float x;
  memcpy(&x, seen, 4); /* lane 0, or the two halves' bytes: 1.0f */
  printf("x %.1f; xmm0 above the value: %s\n", (double)x,
         clean ? "clean" : "not clean");
  return 0;
}
