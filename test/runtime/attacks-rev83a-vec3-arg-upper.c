// Review 83a, attacker model A (key-0 loads only). A vector of three
// floats (ext_vector_type(3), also three ints or six shorts) goes to a
// call as <3 x float>: 12 bytes of an xmm register, whose last 4 the
// callee may store. Out of a compartment nothing cut it (aaba395 cut 8-byte
// vectors only). Here the vault keeps a public position in lanes 0-2 of a
// vector whose lane 3 is its secret and hands .xyz to an honest
// default-domain function, which converts x to double (cvtss2sd keeps the
// register's high 8 bytes) for a variadic snprintf, whose prologue stores
// xmm0-7 whole in its register save area on the key-0 stack. Seen in the
// guest (LLVM 19, -O2): ATTACK SUCCEEDED 3 of 3 before, with and without
// compartment stacks.
// Fixed: cutIntegerArgs clears the bytes of the register above every
// vector narrower than 16 bytes that goes in one (pass/Gate.cpp).
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-compartment-stacks -O2 %s -o %tn
// RUN: %run %tn | FileCheck %s
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: x 1.0
// CHECK-NEXT: secret on the stack: no
#include "Inputs/check.h"
#include "Inputs/result-spill.h"

typedef float f4 __attribute__((ext_vector_type(4)));
typedef float f3 __attribute__((ext_vector_type(3)));
#define SECRET "Q#7z"
/* Lanes 0-2: a public position; lane 3: the vault's secret. */
BULKHEAD_DATA(vault) union {
  f4 f;
  char c[16];
} vault_pos = {.c = "\0\0\0\0\0\0\0\0\0\0\0\0" SECRET};

static char line[64];
/* The default domain's honest function. */
__attribute__((noinline)) void show_pos(f3 p) {
  snprintf(line, sizeof line, "x %.1f", (double)p.x);
}

BULKHEAD_ENTRY(vault) void vault_move(const f4 *delta) {
  f4 s = vault_pos.f + *delta;
  vault_pos.f = s;
  show_pos(s.xyz);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  static const f4 delta = {1.0f, 0.0f, 0.0f, 0.0f};
  vault_move(&delta);
  const char *sp;
  __asm__ volatile("movq %%rsp, %0" : "=r"(sp));
  /* Rebuilt from the literal: main cannot read the vault's copy. */
  int found = on_stack(sp, SECRET, 4);
  puts(line);
  if (found)
    puts("ATTACK SUCCEEDED: the vault's secret is in key-0 stack memory");
  printf("secret on the stack: %s\n", found ? "yes" : "no");
  return 0;
}
