/* exec-checker.c - built WITHOUT Bulkhead and exec'd by fork-exec.c: prints
 * the PKRU it starts with and the first protection key it is given. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>

int main(void) {
  uint32_t eax, edx;
  __asm__ volatile("rdpkru" : "=a"(eax), "=d"(edx) : "c"(0));
  printf("checker: PKRU 0x%x, first pkey %d\n", eax, pkey_alloc(0, 0));
  return 0;
}
