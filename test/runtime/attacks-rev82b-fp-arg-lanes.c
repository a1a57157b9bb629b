// Review 82b, attacker model A (key-0 loads only). A call out of a
// compartment cut its integer arguments to their width, but not a double,
// float or half one, which x86-64 passes in the low bits of an xmm register
// and leaves the rest undefined. Here the vault keeps a two-lane vector, a
// public running total (lane 0) and a secret (lane 1; the float case: lanes
// 2-3), and logs lane 0 through a default-domain variadic logger, directly
// and through a pointer. At -O2 the compiler keeps the vector across the
// gate's scrub in a 16-byte spill slot and reloads it whole into xmm0 for
// the call: the logger's prologue saves xmm0-7, all 128 bits, in its
// register save area on the key-0 stack, where main finds the secret after
// the call. ATTACK SUCCEEDED 3 of 3 in the guest before the fix: with
// stacks the direct double call; without them the direct and the pointer
// double call and the pointer float call. Review 82a found the same
// (attacks-rev82a-fp-arg-upper.c); its fix, kept on main, cuts a float or
// double argument of a call out to its bytes of the xmm register
// (pass/Gate.cpp, cutIntegerArgs): this test passes with it, 3 of 3.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t double | FileCheck %s
// RUN: %run %t double pointer | FileCheck %s
// RUN: %run %t float | FileCheck %s
// RUN: %run %t float pointer | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-compartment-stacks -O2 %s -o %ts
// RUN: %run %ts double | FileCheck %s
// RUN: %run %ts double pointer | FileCheck %s
// RUN: %run %ts float | FileCheck %s
// RUN: %run %ts float pointer | FileCheck %s
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

/* The default domain's logger: its prologue saves xmm0-7 whole. */
__attribute__((noinline)) void note(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
}
static void (*volatile note_by_pointer)(const char *, ...) = note;

BULKHEAD_ENTRY(vault) void vault_add(const v2d *delta, int by_pointer) {
  v2d s = vault_acc.d + *delta;
  vault_acc.d = s;
  if (by_pointer)
    note_by_pointer("total %.1f", s[0]);
  else
    note("total %.1f", s[0]);
}

BULKHEAD_ENTRY(vault) void vault_addf(const v4f *delta, int by_pointer) {
  v4f s = vault_acc.f + *delta;
  vault_acc.f = s;
  if (by_pointer)
    note_by_pointer("total %.1f", (double)s[0]);
  else
    note("total %.1f", (double)s[0]);
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  static const v2d delta = {1.0, 0.0};
  static const v4f deltaf = {1.0f, 0.0f, 0.0f, 0.0f};
  int by_pointer = argc > 2 && !strcmp(argv[2], "pointer");
  if (argc > 1 && !strcmp(argv[1], "float"))
    vault_addf(&deltaf, by_pointer);
  else
    vault_add(&delta, by_pointer);
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
