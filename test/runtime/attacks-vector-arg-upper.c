// Attacker model A (key-0 loads only). A struct of two floats, or a
// _Complex float, goes to a call as <2 x float>: the low 8 bytes of an xmm
// register, whose other 8 bytes the callee may store. Out of a compartment
// nothing cut such an argument to its bytes (82a's cut took floats and
// doubles only), and a trampoline (compartment stacks) refused its type
// with a compile error. Here the vault moves a point kept in the low lanes
// of a vector whose high lanes hold its secret, and hands the point to an
// honest default-domain function, which converts x to double (cvtss2sd
// keeps the register's high 8 bytes) for a variadic snprintf, whose
// prologue stores xmm0-7 whole in its register save area on the key-0
// stack. Before: ATTACK SUCCEEDED without compartment stacks (natively
// with BULKHEAD_ALLOW_UNPROTECTED=1 and in the guest), a compile error
// ("not classified here") with them. Now every vector argument narrower
// than its register leaving a compartment is cut to its store size
// (pass/Gate.cpp cutIntegerArgs), and trampolines pass vectors of up to
// 16 bytes. (Not at -O0 without compartment stacks: the vault's own frame,
// on the key-0 stack there, holds the vector: threat-model.md.)
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t | FileCheck %s
// RUN: %run %t complex | FileCheck %s
// RUN: %run %t pointer | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-compartment-stacks -O2 %s -o %tn
// RUN: %run %tn | FileCheck %s
// RUN: %run %tn complex | FileCheck %s
// RUN: %run %tn pointer | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -O0 %s -o %t0
// RUN: %run %t0 | FileCheck %s
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: x 1.0; secret found on the stack: no
#include "Inputs/check.h"
#include "Inputs/key-scan.h"
#include <complex.h>

typedef float v4f __attribute__((vector_size(16)));
#define SECRET "PIN=7319"
/* Lanes 0-1: a public point; lanes 2-3: the vault's secret. */
BULKHEAD_DATA(vault) union {
  v4f f;
  char c[16];
} vault_pos = {.c = "\0\0\0\0\0\0\0\0" SECRET};

struct point {
  float x, y;
};
static char line[64];
/* The default domain's honest functions. */
__attribute__((noinline)) void show_point(struct point p) {
  snprintf(line, sizeof line, "x %.1f", (double)p.x);
}
__attribute__((noinline)) void show_complex(float _Complex z) {
  snprintf(line, sizeof line, "x %.1f", (double)crealf(z));
}
void (*volatile show_ptr)(struct point) = show_point;

BULKHEAD_ENTRY(vault) void vault_move(const v4f *delta, int how) {
  v4f s = vault_pos.f + *delta;
  vault_pos.f = s;
  if (how == 1)
    show_complex(s[0] + s[1] * I);
  else if (how == 2)
    show_ptr((struct point){s[0], s[1]});
  else
    show_point((struct point){s[0], s[1]});
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  static const v4f delta = {1.0f, 0.0f, 0.0f, 0.0f};
  int how = argc < 2 ? 0 : !strcmp(argv[1], "complex") ? 1 : 2;
  vault_move(&delta, how);
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
