/* Ordinary C that real projects are full of, and nothing written for
 * Bulkhead: a qsort comparator, a table of pointers to variadic functions,
 * glibc's inline atof (here and in Inputs/atof-lib.c), and a shared library that calls back into the
 * program. With -DVAULT, a compartment that does the same from inside. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#ifdef VAULT
#include <bulkhead.h>
#endif

int lib_apply(int (*f)(int), int x);   /* Inputs/lib.c, a shared library */
int (*lib_callback(void))(int);
double parse(const char *s);          /* Inputs/atof-lib.c */

static int by_value(const void *a, const void *b) {
  return *(const int *)a - *(const int *)b;
}

static int sum(int n, ...) {
  va_list ap;
  va_start(ap, n);
  int s = 0;
  while (n--)
    s += va_arg(ap, int);
  va_end(ap);
  return s;
}
static int (*const variadic_table[])(int, ...) = {sum};

static int twice(int x) { return 2 * x; }

#ifdef VAULT
BULKHEAD_DATA(vault) static int hidden[4] = {40, 10, 30, 20};
BULKHEAD_INTERNAL(vault) static int vault_cmp(const void *a, const void *b) {
  return *(const int *)a - *(const int *)b;
}
/* The vault sorts its own data with its own comparator, and shared data
 * with one the application handed it (which runs with the application's
 * rights: the vault's data would fault there), and calls the application
 * back. */
BULKHEAD_ENTRY(vault) int vault_work(int (*app_cmp)(const void *, const void *),
                                     int (*app_fn)(int)) {
  qsort(hidden, 4, sizeof hidden[0], vault_cmp);
  int *shared = bulkhead_shared_malloc(4 * sizeof *shared);
  for (int i = 0; i < 4; i++)
    shared[i] = hidden[3 - i];
  qsort(shared, 4, sizeof shared[0], app_cmp);
  int result = hidden[0] + shared[3] + app_fn(1);
  free(shared);
  return result;
}
#endif

int main(int argc, char **argv) {
  int v[] = {3, 1, 2};
  qsort(v, 3, sizeof v[0], by_value);
  printf("qsort: %d %d %d\n", v[0], v[1], v[2]);
  printf("variadic table: %d\n", variadic_table[0](3, 1, 2, 3));
  printf("atof: %.2f %.2f\n", atof(argc > 1 ? argv[1] : "2.50"),
         parse(argc > 1 ? argv[1] : "1.25"));
  printf("shared library: %d %d\n", lib_apply(twice, 21), lib_callback()(5));
#ifdef VAULT
  printf("vault: %d\n", vault_work(by_value, twice));
#endif
  return 0;
}
