// An ordinary library built with bulkhead-clang -fpkey-compartments -shared:
// no compartment in it, just a callback whose address it takes.
#include <stdlib.h>
static int by_value(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }
void lib_sort(int *v, size_t n) { qsort(v, n, sizeof *v, by_value); }
