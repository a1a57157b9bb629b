// A variadic call out of a compartment passes every argument, those past
// the fixed ones included: the trampoline clears the argument registers
// the call does not use, and it counted the callee's fixed parameters
// only, so it cleared rdx and rcx under a logger's third and fourth
// arguments (review 82a: "3 0 0 6 ..." below, in every stack mode's
// trampoline, before). Not an attack: an honest program's arguments.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t && %run %t | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -O0 %s -o %t0 && %run %t0 | FileCheck %s
// CHECK: ints: 3 4 5 6 7 8 9 10 11 12
// CHECK-NEXT: two: 3 4
// CHECK-NEXT: mixed: 3 1.5 4 2.5 5
#include "Inputs/check.h"
#include <stdarg.h>

static char line[256];
__attribute__((noinline)) void log_ints(const char *what, int n, ...) {
  va_list ap;
  va_start(ap, n);
  int len = snprintf(line, sizeof line, "%s:", what);
  for (int i = 0; i < n; i++)
    len += snprintf(line + len, sizeof line - len, " %d", va_arg(ap, int));
  va_end(ap);
  puts(line);
}
__attribute__((noinline)) void log_mixed(const char *what, ...) {
  va_list ap;
  va_start(ap, what);
  int a = va_arg(ap, int);
  double b = va_arg(ap, double);
  int c = va_arg(ap, int);
  double d = va_arg(ap, double);
  int e = va_arg(ap, int);
  va_end(ap);
  printf("%s: %d %.1f %d %.1f %d\n", what, a, b, c, d, e);
}

BULKHEAD_DATA(vault) volatile int vault_count = 3;
BULKHEAD_ENTRY(vault) void vault_report(void) {
  int c = vault_count;
  log_ints("ints", 10, c, c + 1, c + 2, c + 3, c + 4, c + 5, c + 6, c + 7,
           c + 8, c + 9);
  log_ints("two", 2, c, c + 1);
  log_mixed("mixed", c, c - 1.5, c + 1, c - 0.5, c + 2);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  vault_report();
  return 0;
}
