// The limit of function pointers with per-compartment stacks, made
// explicit: shared code (qsort) running for the vault calls a comparator of
// the default domain. No fixed gate leads back to the vault from there, so
// the comparator's wrapper stops the program with one line instead of
// running the comparator on the vault's stack (where it would fault). The
// vault's own comparator works.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t own | FileCheck %s --check-prefix=OWN
// RUN: not %run %t foreign 2>&1 | FileCheck %s --check-prefix=FOREIGN
// OWN: sorted: 1 2 3 4
// FOREIGN: bulkhead: error: 'by_value' (the default domain) called through a pointer by code whose domain the pointer cannot return to
// FOREIGN-NOT: sorted
#include "Inputs/check.h"

BULKHEAD_DATA(vault) static int values[4] = {3, 1, 4, 2};

static int by_value(const void *a, const void *b) {
  return *(const int *)a - *(const int *)b;
}
BULKHEAD_INTERNAL(vault) int vault_by_value(const void *a, const void *b) {
  return *(const int *)a - *(const int *)b;
}

BULKHEAD_ENTRY(vault) void vault_sort(int (*cmp)(const void *, const void *),
                                      int out[4]) {
  qsort(values, 4, sizeof values[0], cmp ? cmp : vault_by_value);
  for (int i = 0; i < 4; i++)
    out[i] = values[i];
}

int main(int argc, char **argv) {
  CHECK(argc == 2);
  int out[4];
  vault_sort(strcmp(argv[1], "own") ? by_value : NULL, out);
  printf("sorted: %d %d %d %d\n", out[0], out[1], out[2], out[3]);
  return 0;
}
