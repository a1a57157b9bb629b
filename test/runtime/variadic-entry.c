// A variadic entry (issue 9, E): callers that see its annotation gate the
// call and reach it with the compartment's rights, `...` intact; the
// compartment's own calls through its name (from a file that does not see
// the annotation) work; a caller in another
// domain that does not see the annotation stops with one line naming the
// function, instead of running the compartment's code with its own rights.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 -c %S/Inputs/variadic-blind.c -o %t.blind.o
// RUN: %bulkhead_clang -fpkey-compartments -O2 -c %S/Inputs/variadic-inside.c -o %t.inside.o
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s %t.blind.o %t.inside.o -o %t 2>/dev/null
// RUN: %run %t | FileCheck %s
// RUN: not %run %t blind 2>&1 | FileCheck %s --check-prefix=BLIND
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-compartment-stacks -O0 -c %S/Inputs/variadic-inside.c -o %t.inside0.o
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-compartment-stacks -O0 %s %t.blind.o %t.inside0.o -o %t0 2>/dev/null
// RUN: %run %t0 | FileCheck %s
// RUN: not %run %t0 blind 2>&1 | FileCheck %s --check-prefix=BLIND
// CHECK: inside: 60
// CHECK-NEXT: seen: 10 (4 doubles 10.5)
// CHECK-NEXT: calls: 2
// BLIND: bulkhead: error: variadic entry 'sum' of compartment 'vault' called from another domain by code that does not see its annotation
// BLIND-NOT: blind:
#include "Inputs/check.h"
#include <stdarg.h>

BULKHEAD_DATA(vault) static int calls;
BULKHEAD_DATA(vault) static double last_doubles;

BULKHEAD_ENTRY(vault) int sum(int n, ...) {
  va_list ap;
  va_start(ap, n);
  int s = 0;
  for (int i = 0; i < n; i++)
    s += va_arg(ap, int);
  double d = 0;
  if (n == 4) /* then four doubles follow: vector registers forwarded too */
    for (int i = 0; i < 4; i++)
      d += va_arg(ap, double);
  va_end(ap);
  last_doubles = d;
  calls++;
  return s;
}

BULKHEAD_ENTRY(vault) int sum_inside(void); /* Inputs/variadic-inside.c */
BULKHEAD_ENTRY(vault) int vault_calls(void) { return calls; }
BULKHEAD_ENTRY(vault) double vault_doubles(void) { return last_doubles; }

int blind_sum(void);

int main(int argc, char **argv) {
  if (argc > 1) {
    printf("blind: %d\n", blind_sum());
    return 0;
  }
  printf("inside: %d\n", sum_inside());
  int s = sum(4, 1, 2, 3, 4, 1.5, 2.5, 3.0, 3.5);
  printf("seen: %d (4 doubles %.1f)\n", s, vault_doubles());
  printf("calls: %d\n", vault_calls());
  return 0;
}
