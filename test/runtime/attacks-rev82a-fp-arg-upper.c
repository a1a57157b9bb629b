// Review 82a, attacker model A (key-0 loads only). A call out of a
// compartment passes a float or double in an xmm register, and the
// register kept for it was kept whole: the call site's scrub runs before
// the arguments are set, the trampoline clears only the argument registers
// the callee does not take, and nothing cut a kept one to its value's
// width (the way back does so for a result: attacks-rev79a-result-upper-
// lanes.c). Here the vault keeps a two-lane vector, a public running total
// (lane 0) and a secret (lane 1), and logs the total with an honest
// default-domain variadic logger: at -O2 the compiler spills the vector
// whole across the scrub, reloads it whole into xmm0 and passes that, and
// the logger's prologue stores xmm0-7, all 128 bits, in its register save
// area on the key-0 stack. ATTACK SUCCEEDED 3 of 3 in the guest at -O2
// before (the double; natively too with BULKHEAD_ALLOW_UNPROTECTED=1). Now
// every half, float and double argument of a call that may leave a
// compartment is cut to its bytes of the register (pass/Gate.cpp
// cutIntegerArgs). The float case keeps 4 bytes of 16.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t | FileCheck %s
// RUN: %run %t float | FileCheck %s
// RUN: %run %t pointer | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -O0 %s -o %t0
// RUN: %run %t0 | FileCheck %s
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: total 1.0; secret found on the stack: no
#include "Inputs/check.h"
#include "Inputs/key-scan.h"
#include <stdarg.h>

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

static char line[64];
/* The default domain's honest logger. */
__attribute__((noinline)) void log_total(int n, ...) {
  va_list ap;
  va_start(ap, n);
  snprintf(line, sizeof line, "total %.1f", va_arg(ap, double));
  va_end(ap);
}
void (*volatile log_ptr)(int, ...) = log_total;

BULKHEAD_ENTRY(vault) void vault_add(const v2d *delta, int pointer) {
  v2d s = vault_acc.d + *delta;
  vault_acc.d = s;
  if (pointer)
    log_ptr(1, s[0]);
  else
    log_total(1, s[0]);
}


/* A float argument itself: a non-variadic logger. */
__attribute__((noinline)) void log_float(float x) {
  snprintf(line, sizeof line, "total %.1f", (double)x);
}
BULKHEAD_ENTRY(vault) void vault_addf2(const v4f *delta) {
  v4f s = vault_acc.f + *delta;
  vault_acc.f = s;
  log_float(s[0]);
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  static const v2d delta = {1.0, 0.0};
  static const v4f deltaf = {1.0f, 0.0f, 0.0f, 0.0f};
  if (argc > 1 && !strcmp(argv[1], "float")) {
    vault_addf2(&deltaf);
  } else
    vault_add(&delta, argc > 1 && !strcmp(argv[1], "pointer"));
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
