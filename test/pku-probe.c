/* pku-probe.c - prints "pku: yes" when this machine can allocate a protection
 * key, else "pku: no (reason)". The test configuration uses it to decide
 * which tests can run on real hardware. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void) {
  long key = syscall(SYS_pkey_alloc, 0, 0);
  if (key < 0) {
    printf("pku: no (pkey_alloc: %s)\n", strerror(errno));
    return 1;
  }
  printf("pku: yes\n");
  return 0;
}
