// The break stays where start-up left it (review 46, attacks-rev46-brk-
// unmap.c): a hardened program's brk(0) answers the break, a move is
// answered 0 (glibc's sbrk fails, errno ENOMEM) and the break stays;
// glibc's malloc then maps memory instead: 200 MB in blocks of up to
// 64 KiB, and freed, still works. A program it runs (static, so its start-
// up takes TLS with brk) moves its own break.
// REQUIRES: pku
// RUN: rm -rf %t && mkdir -p %t
// RUN: %clang -static -O1 %S/Inputs/brk-child.c -o %t/child
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t/prog
// RUN: env BULKHEAD_VM_FILES=%t/child %run %t/prog %t/child 2>&1 | FileCheck %s
// CHECK: local: 7
// CHECK-NEXT: brk(0) answers the break: 1
// CHECK-NEXT: sbrk(1 MiB): -1, errno ENOMEM: 1, the break stays: 1
// CHECK-NEXT: brk below the break answers 0: 1, the break stays: 1
// CHECK-NEXT: malloc: 200 MB written and read back: 1
// CHECK-NEXT: child: its break moved: 1
// CHECK-NEXT: child exit 0
// CHECK-NOT: bulkhead:
#define _GNU_SOURCE
#include <bulkhead.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

BULKHEAD_DATA(local) static int local_secret = 7;
BULKHEAD_ENTRY(local) int local_get(void) { return local_secret; }

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  if (argc < 2)
    return 2;
  printf("local: %d\n", local_get());
  char *b = (char *)syscall(SYS_brk, 0);
  printf("brk(0) answers the break: %d\n", b == sbrk(0) && b != NULL);
  errno = 0;
  void *g = sbrk(1 << 20);
  printf("sbrk(1 MiB): %ld, errno ENOMEM: %d, the break stays: %d\n",
         (long)(intptr_t)g, errno == ENOMEM, (char *)syscall(SYS_brk, 0) == b);
  long r = syscall(SYS_brk, b - 4096);
  printf("brk below the break answers 0: %d, the break stays: %d\n", r == 0,
         (char *)syscall(SYS_brk, 0) == b);
  /* 200 MB in blocks of 1 byte to 64 KiB, every other one kept a while. */
  enum { N = 4096 };
  static unsigned char *keep[N];
  size_t total = 0;
  int ok = 1;
  for (unsigned i = 0; total < 200u << 20; i++) {
    size_t len = 1 + (i * 2654435761u) % 65536;
    unsigned char *p = malloc(len);
    if (!p) {
      ok = 0;
      break;
    }
    memset(p, (int)(i & 0xff), len);
    ok &= p[len - 1] == (i & 0xff) && p[0] == (i & 0xff);
    total += len;
    free(keep[i % N]);
    keep[i % N] = p;
  }
  printf("malloc: 200 MB written and read back: %d\n", ok);
  pid_t pid = fork();
  if (pid == 0) {
    execl(argv[1], argv[1], (char *)NULL);
    _exit(127);
  }
  int st;
  waitpid(pid, &st, 0);
  printf("child exit %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
  return 0;
}
