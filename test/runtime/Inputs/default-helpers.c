/* Default-domain code in a file of its own: seen from the vault's file it
 * is only a declaration, like a libc function. */
#include <stdint.h>

uint32_t seen_pkru;

static uint32_t rdpkru(void) {
  uint32_t eax, edx;
  __asm__ volatile("rdpkru" : "=a"(eax), "=d"(edx) : "c"(0));
  return eax;
}

int log_event(const int *p) {
  seen_pkru = rdpkru();
  return p ? *p : 0; /* dereferencing vault data from here must fault */
}
