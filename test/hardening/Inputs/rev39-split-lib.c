/* rev39-split-lib.c - a plain start-up library whose constructor makes
 * code before main: two anonymous executable pages side by side, A ending
 * in 0F 01 and B starting with EF C3 (WRPKRU's last byte, then ret), kept
 * apart in /proc/self/maps (MADV_DONTFORK on A only, so the kernel does
 * not merge them). Neither holds a whole PKRU write; the joint bytes at
 * rev39_split are one. */
#define _GNU_SOURCE
#include <string.h>
#include <sys/mman.h>

#define AT ((unsigned char *)0x5a5a00000000UL)

unsigned char *rev39_split; /* A's last two bytes, or NULL */
static volatile unsigned char ef = 0xe0; /* no whole WRPKRU in this file */

static unsigned char *page(unsigned char *at, unsigned char first,
                           unsigned char second, int dontfork) {
  unsigned char *p = mmap(at, 4096, PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
                          -1, 0);
  if (p != at)
    return NULL;
  memset(p, 0xcc, 4096); /* int3 */
  if (at == AT)
    p[4094] = first, p[4095] = second;
  else
    p[0] = first, p[1] = second;
  if ((dontfork && madvise(p, 4096, MADV_DONTFORK)) ||
      mprotect(p, 4096, PROT_READ | PROT_EXEC))
    return NULL;
  return p;
}

__attribute__((constructor)) static void make_code(void) {
  if (page(AT, 0x0f, 0x01, 1) &&
      page(AT + 4096, (unsigned char)(ef | 0x0f), 0xc3, 0))
    rev39_split = AT + 4094;
}
