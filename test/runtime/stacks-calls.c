// With -fpkey-compartment-stacks compartment code runs on a stack tagged
// with its compartment's key, and every kind of argument passing works
// across the stack switch: 9 integer arguments (3 on the stack), 10 doubles
// (2 on the stack), structs by value, struct returns (sret), variadic calls
// with stack arguments, deep recursion, and nested default -> vault ->
// default -> vault calls, each of which uses the right stack; also out of
// the vault with stack arguments, directly and through pointers.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -fpkey-compartment-stacks -O0 %s -o %t0 && %run %t0 | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -fpkey-compartment-stacks -O2 %s -o %t2 && %run %t2 | FileCheck %s
// RUN: %bulkhead_scan %t0 && %bulkhead_scan %t2
#include "Inputs/check.h"
#include <stdarg.h>
/* The variadic entries are called only from this file, which sees their
 * annotation (variadic entries get no thunk). */

BULKHEAD_DATA(vault) static long secret = 1000;
struct big { long v[8]; };
struct pair { double x, y; };

static uintptr_t local_address; /* default-domain data, set by the vault */

BULKHEAD_ENTRY(vault) long ints(long a, long b, long c, long d, long e, long f,
                                long g, long h, long i) {
  volatile long here = a;
  local_address = (uintptr_t)&here;
  return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h + 9 * i + secret;
}
BULKHEAD_ENTRY(vault) double doubles(double a, double b, double c, double d, double e,
                                     double f, double g, double h, double i, double j) {
  return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h + 9 * i + 10 * j + secret;
}
BULKHEAD_ENTRY(vault) long byval(struct big s, long k, struct pair p) {
  long t = 0;
  for (int i = 0; i < 8; i++)
    t += s.v[i] * (i + 1);
  return t * k + (long)(p.x * 10 + p.y) + secret;
}
BULKHEAD_ENTRY(vault) struct big sret(long base) {
  struct big r;
  for (int i = 0; i < 8; i++)
    r.v[i] = base + i + secret;
  return r;
}
/* sum of i * (i-th argument): a shared helper, so each domain reads its
 * own va_list on its own stack */
static long weighted(int n, va_list ap) {
  long t = 0;
  for (int i = 0; i < n; i++)
    t += va_arg(ap, long) * (i + 1);
  return t;
}
BULKHEAD_ENTRY(vault) long variadic(int n, ...) {
  va_list ap;
  va_start(ap, n);
  long t = weighted(n, ap);
  va_end(ap);
  return t + secret;
}
BULKHEAD_ENTRY(vault) double variadic_mixed(int n, ...) {
  va_list ap;
  va_start(ap, n);
  double t = 0;
  for (int i = 0; i < n; i++)
    t += va_arg(ap, double) + va_arg(ap, int);
  va_end(ap);
  return t;
}

BULKHEAD_INTERNAL(vault) long down(int n, uintptr_t *deepest) {
  volatile char buf[200];
  buf[n % 200] = (char)n;
  if (n == 0) {
    *deepest = (uintptr_t)buf;
    return secret;
  }
  return down(n - 1, deepest) + buf[n % 200] % 2;
}
BULKHEAD_ENTRY(vault) long recurse(int n, uintptr_t *deepest) { return down(n, deepest); }

/* default -> vault -> default -> vault */
long back_in_default(int depth);
BULKHEAD_ENTRY(vault) long nest(int depth, uintptr_t *where) {
  volatile long here = depth;
  where[depth] = (uintptr_t)&here;
  return depth == 0 ? secret : back_in_default(depth - 1) + here;
}
static uintptr_t default_where[8];
static uintptr_t vault_where[8];
long back_in_default(int depth) {
  volatile long here = depth;
  default_where[depth] = (uintptr_t)&here;
  return nest(depth, vault_where) + 1;
}

/* Out of the vault with stack arguments: directly, variadic, and through
 * a pointer made in the default domain, which calls back into the vault
 * through a pointer made there (vault -> default -> vault). */
static long out_ints(long a, long b, long c, long d, long e, long f, long g,
                     long h, long i) {
  return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h + 9 * i;
}
static long out_variadic(int n, ...) {
  va_list ap;
  va_start(ap, n);
  long t = weighted(n, ap);
  va_end(ap);
  return t;
}
static long (*out_ptr)(long (*)(int), long, long, long, long, long, long, long,
                       long);
static uintptr_t inner_where, outer_where;
static long out_calls_back(long (*back)(int), long a, long b, long c, long d,
                           long e, long f, long g, long h) {
  return back(1) + a + b + c + d + e + f + g + h;
}
BULKHEAD_ENTRY(vault) long vault_inner(int x) {
  volatile long here = x;
  inner_where = (uintptr_t)&here;
  return secret + x;
}
BULKHEAD_ENTRY(vault) long vault_calls_out(void) {
  volatile long here = 0;
  outer_where = (uintptr_t)&here;
  long direct = out_ints(1, 2, 3, 4, 5, 6, 7, 8, 9);
  long var = out_variadic(9, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
  long back = out_ptr(vault_inner, 1, 2, 3, 4, 5, 6, 7, 8);
  return direct + var + back + here;
}

int main(void) {
  int vault = bulkhead_compartment_pkey("vault");
  out_ptr = out_calls_back;
  CHECK(vault_calls_out() == 285 + 285 + (1000 + 1) + 36);
  CHECK(page_pkey((void *)inner_where) == vault);
  /* the vault entered again continues below its live frames */
  CHECK(inner_where < outer_where);
  volatile long main_local = 0;
  CHECK(ints(1, 2, 3, 4, 5, 6, 7, 8, 9) == 285 + 1000);
  CHECK(page_pkey((void *)local_address) == vault);
  CHECK(page_pkey((void *)&main_local) == 0);
  CHECK(doubles(1, 2, 3, 4, 5, 6, 7, 8, 9, 10) == 385 + 1000);
  struct big b = {{1, 2, 3, 4, 5, 6, 7, 8}};
  struct pair p = {2.0, 3.0};
  CHECK(byval(b, 2, p) == 204 * 2 + 23 + 1000);
  struct big r = sret(5);
  for (int i = 0; i < 8; i++)
    CHECK(r.v[i] == 1005 + i);
  CHECK(variadic(9, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L) == 285 + 1000);
  CHECK(variadic_mixed(10, 1.0, 1, 2.0, 2, 3.0, 3, 4.0, 4, 5.0, 5, 6.0, 6, 7.0, 7,
                       8.0, 8, 9.0, 9, 10.5, 10) == 110.5);
  uintptr_t deepest = 0;
  CHECK(recurse(2000, &deepest) >= 1000);
  CHECK(page_pkey((void *)deepest) == vault);
  CHECK(back_in_default(3) == 1000 + (3 + 2 + 1) + 4);
  for (int d = 0; d < 3; d++) {
    CHECK(page_pkey((void *)vault_where[d]) == vault);
    CHECK(page_pkey((void *)default_where[d]) == 0);
    /* each nested entry continues below the outer one's frames */
    CHECK(vault_where[d] < vault_where[d + 1]);
  }
  CHECK(test_rdpkru() == bulkhead_domain_pkru(NULL));
  printf("stacks-calls: ok\n");
  return 0;
}
// CHECK: stacks-calls: ok
