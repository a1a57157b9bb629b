/* A program a hardened program runs (brk-after-startup.c), built static:
 * glibc's static start-up takes its TLS block with brk, and would use
 * memory it does not have if a move of the break were answered with
 * anything but the kernel's answer. Its break moves. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(void) {
  char *b = sbrk(0);
  char *g = sbrk(1 << 20);
  int moved = g == b && (char *)sbrk(0) == b + (1 << 20);
  if (moved)
    memset(g, 1, 1 << 20);
  char *m = malloc(100000);
  memset(m, 2, 100000);
  printf("child: its break moved: %d\n", moved);
  return 0;
}
