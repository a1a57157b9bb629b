/* plt-unknown.test: a program with a compartment that calls into a -z lazy
 * library (rev15-dep.c). */
#include <bulkhead.h>
#include <stdio.h>

int rev15_compare(const char *a, const char *b);

BULKHEAD_DATA(vault) static int seven = 7;
BULKHEAD_ENTRY(vault) int vault_seven(void) { return seven; }

int main(void) {
  printf("dep: %d\n", vault_seven() + rev15_compare("a", "a"));
  return 0;
}
