// Review 20, attacker B (any system call): the exception to the sealed
// copies, a memfd the process sealed itself with F_SEAL_WRITE, mapped as
// it is (runtime/supervisor-exec.c). Held; what was tried:
//  - a writable view kept elsewhere: a fork child maps the memfd shared
//    (read-only, through a read-write descriptor, so it may become
//    writable) before the seal: the kernel refuses F_SEAL_WRITE while any
//    process has such a mapping (EBUSY), so the memfd stays unsealed and
//    is copied like any file;
//  - a seal with F_SEAL_WRITE alone: the memfd may still shrink, which
//    drops its pages (then grow: zeros, never a pattern); a fork child's
//    shrink of it while it is mapped executable is refused
//    (supervisor-truncate.c: the child dies) and the code still runs.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t | FileCheck %s
// CHECK: seal with a child's shared mapping: Device or resource busy
// CHECK-NEXT: sealed with F_SEAL_WRITE alone: yes
// CHECK-NEXT: mapped shared and executable: yes
// CHECK-NEXT: child's shrink: killed by signal 9
// CHECK-NEXT: the code still runs: 42
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: attacks-rev20-selfsealed-memfd: done
#define _GNU_SOURCE
#include <bulkhead.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

/* A compartment, so that the filter and the supervisor are on. */
BULKHEAD_DATA(vault) static int vault_secret = 7;
BULKHEAD_ENTRY(vault) int vault_get(void) { return vault_secret; }

/* mov eax, 42; ret, then int3 to the page's end. */
static int code_memfd(void) {
  unsigned char page[4096];
  memset(page, 0xcc, sizeof page);
  memcpy(page, "\xb8\x2a\x00\x00\x00\xc3", 6);
  int m = memfd_create("rev20", MFD_ALLOW_SEALING | MFD_CLOEXEC);
  if (m < 0 || write(m, page, sizeof page) != (ssize_t)sizeof page)
    perror("memfd");
  return m;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  if (vault_get() != 7)
    return 1;

  int m = code_memfd(), p[2];
  if (pipe(p))
    return perror("pipe"), 1;
  pid_t c = fork();
  if (!c) {
    void *a = mmap(NULL, 4096, PROT_READ, MAP_SHARED, m, 0);
    if (write(p[1], "x", 1) != 1 || a == MAP_FAILED)
      _exit(1);
    sleep(2);
    _exit(0);
  }
  char x;
  if (read(p[0], &x, 1) != 1)
    return 1;
  int r = fcntl(m, F_ADD_SEALS, F_SEAL_WRITE);
  printf("seal with a child's shared mapping: %s\n",
         r ? strerror(errno) : "sealed");
  if (!r)
    printf("ATTACK SUCCEEDED: sealed while a child can write the memfd\n");
  waitpid(c, NULL, 0);
  close(m);

  m = code_memfd();
  r = fcntl(m, F_ADD_SEALS, F_SEAL_WRITE);
  printf("sealed with F_SEAL_WRITE alone: %s\n", r ? strerror(errno) : "yes");
  int (*f)(void) = (int (*)(void))mmap(NULL, 4096, PROT_READ | PROT_EXEC,
                                       MAP_SHARED, m, 0);
  printf("mapped shared and executable: %s\n",
         (void *)f == MAP_FAILED ? strerror(errno) : "yes");
  if ((void *)f == MAP_FAILED)
    return 1;
  c = fork();
  if (!c) {
    /* Shrink (drops the page), grow (a zero page): killed at the first. */
    if (!ftruncate(m, 0) && !ftruncate(m, 4096))
      printf("ATTACK SUCCEEDED: the child dropped the executable pages\n");
    _exit(0);
  }
  int st;
  waitpid(c, &st, 0);
  if (WIFSIGNALED(st))
    printf("child's shrink: killed by signal %d\n", WTERMSIG(st));
  else
    printf("child's shrink: exited %d\n", WEXITSTATUS(st));
  printf("the code still runs: %d\n", f());
  printf("attacks-rev20-selfsealed-memfd: done\n");
  return 0;
}
