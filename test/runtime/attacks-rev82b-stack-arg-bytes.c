// Review 82b, attacker model A (key-0 loads only). An integer argument past
// the sixth goes on the stack, in an 8-byte word of which the caller's
// store of an int (movl) writes 4 bytes; the other 4 are whatever the
// compartment's stack held there. Out of a compartment the trampoline
// copies whole words, with the compartment's rights, to the default
// domain's key-0 stack for the callee. Here the vault first passes a word
// of its PIN as the seventh argument of one of its own functions, at the
// same place, then calls a default-domain logger with seven ints (or a
// variadic one with a constant seventh int, or one with nine floats, the
// ninth on the stack, movss): the PIN's upper half came along, and main
// found it on the key-0 stack after the call. ATTACK SUCCEEDED 3 of 3 in
// the guest before in each of the six runs below. Review 82a found the
// same (attacks-rev82a-stack-arg-padding.c); its fix, kept on main, has
// the trampoline copy only the bytes of each slot that hold a value and
// zero the rest (pass/Stacks.cpp): 0 of 3 here with it. Without compartment stacks
// the vault's own frames are on the key-0 stack anyway (threat-model.md).
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t | FileCheck %s
// RUN: %run %t variadic | FileCheck %s
// RUN: %run %t float | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -O0 %s -o %t0
// RUN: %run %t0 | FileCheck %s
// RUN: %run %t0 variadic | FileCheck %s
// RUN: %run %t0 float | FileCheck %s
// CHECK: logged: {{[0-9]+}}
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: upper half of the PIN on the stack: no
#include "Inputs/check.h"

#include <stdarg.h>

#define SECRET "PIN=Zq7#" /* its upper half: "Zq7#" */
BULKHEAD_DATA(vault) char vault_pin[8] = SECRET;

static long logged;

/* The default domain's loggers: seven ints, the seventh on the stack. */
__attribute__((noinline)) void note7(int a, int b, int c, int d, int e, int f,
                                     int g) {
  logged = a + b + c + d + e + f + g;
}
__attribute__((noinline)) void notev(int n, ...) {
  va_list ap;
  va_start(ap, n);
  long sum = 0;
  for (int i = 0; i < n; i++)
    sum += va_arg(ap, int);
  va_end(ap);
  logged = sum;
}

__attribute__((noinline)) void note9(float a, float b, float c, float d,
                                     float e, float f, float g, float h,
                                     float i) {
  logged = (long)(a + b + c + d + e + f + g + h + i);
}

/* The vault's own: the PIN's word is its seventh argument. */
BULKHEAD_INTERNAL(vault) __attribute__((noinline)) long
vault_mix(long a, long b, long c, long d, long e, long f, long g) {
  return a ^ b ^ c ^ d ^ e ^ f ^ g;
}

BULKHEAD_ENTRY(vault) void vault_log(int n, int how) {
  long w;
  memcpy(&w, vault_pin, 8);
  long m = vault_mix(n, n, n, n, n, n, w);
  float x = (float)(m & 1);
  if (how == 2)
    note9(x, x, x, x, x, x, x, x, x);
  else if (how == 1)
    notev(6, n, n, n, n, n, 7);
  else
    note7(n, n, n, n, n, n, (int)m ^ (int)w);
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  vault_log(1, argc < 2                       ? 0
               : !strcmp(argv[1], "variadic") ? 1
                                              : 2);
  const char *sp;
  __asm__ volatile("movq %%rsp, %0" : "=r"(sp));
  /* From the literal: main cannot read the vault's copy. */
  static const char want[4] = {'Z', 'q', '7', '#'};
  int found = 0;
  for (const char *p = sp - 4096; p + 4 <= sp && !found; p++)
    found = !__builtin_memcmp(p, want, 4);
  printf("logged: %ld\n", logged);
  if (found)
    printf("ATTACK SUCCEEDED: the upper half of the vault's PIN is in key-0 "
           "stack memory\n");
  printf("upper half of the PIN on the stack: %s\n", found ? "yes" : "no");
  return 0;
}
