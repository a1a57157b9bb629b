/* attacks-rev22-tlsdesc.test: a plain library (no compartments) whose
 * rev15_compare keeps the last string it compared against in a
 * thread-local buffer, reached through a TLS descriptor (built with
 * -mtls-dialect=gnu2). The vault (Inputs/rev15-vault.c) calls it with its
 * key as b, with its own rights. */
#include <string.h>

static __thread char last[64];

int rev15_compare(const char *a, const char *b) {
  strncpy(last, b, sizeof last - 1);
  return strcmp(a, last);
}
