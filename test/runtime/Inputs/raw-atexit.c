/* raw-atexit.c - built WITHOUT Bulkhead: an exit handler that only reports
 * the PKRU it runs with, as libc or an uninstrumented library would. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint32_t expected;
static void raw_exit_handler(void) {
  uint32_t eax, edx;
  __asm__ volatile("rdpkru" : "=a"(eax), "=d"(edx) : "c"(0));
  printf("raw atexit handler: PKRU %s\n", eax == expected ? "default" : "NOT default");
  fflush(stdout);
}
void raw_register(uint32_t default_pkru) {
  expected = default_pkru;
  atexit(raw_exit_handler);
}
