// Review 43, attacker B (any system call the filter allows): a thread with
// a descriptor table of its own. The filter allows clone(CLONE_THREAD)
// without CLONE_FILES (only CLONE_FILES without CLONE_THREAD is refused),
// so such a thread's descriptor n may name another file than the
// leader's descriptor n. The executable-mapping path before h-zombie
// (160d6b3) took the file from the leader's table (pidfd_getfd of the
// process) and checked the slot before the repeated mmap with kcmp against
// the process's leader: for a sealed memfd, mapped as it is, it scanned
// the leader's descriptor n while the kernel mapped the caller's own
// descriptor n. How: the leader holds a clean sealed memfd at 100; a
// thread made with clone(CLONE_VM|CLONE_SIGHAND|CLONE_THREAD) dup2's a
// sealed memfd holding WRPKRU over its own 100 and maps 100 executable.
//
// Seen: on 160d6b3 "ATTACK SUCCEEDED" (the thread's executable page holds
// WRPKRU at offset 0x100), 4 runs of 4 in the guest (the control, same
// file in both tables, maps). On e2965ae (h-zombie) it holds, 3 runs of
// 3 under lit: the slot is compared with the caller thread's own table
// (kcmp against its tid), which holds another file, so the leader's file
// is never mapped for it; the thread's mmap gets no answer within the 4 s
// the program waits (by the code, replay gives up and lets the caller go
// to its call, which comes back as a new notification: a loop, only the
// caller's own), and its ftruncate shrank the leader's file of that number
// (no hole: the file judged was the one changed). Since then the
// supervisor takes such a thread's file from its own table
// (bh_reads_own_table: kcmp of the two tables), as with the leader gone
// ("gone": reopened through /proc/<tid>/fd): the control maps, the
// ftruncate shrinks the thread's own file, and the swapped memfd is
// scanned and refused (with the leader alive, with its line; gone,
// without: rev41-zombie-leader-line.c).
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t > %t.out 2>&1 || true
// RUN: FileCheck %s --check-prefixes=CHECK,LIVE < %t.out
// RUN: %run %t gone > %t.gone 2>&1 || true
// RUN: FileCheck %s --check-prefixes=CHECK,GONE < %t.gone
// GONE: main thread gone: yes
// CHECK: control (own table, same file): mapped, clean
// CHECK: own table, ftruncate of its slot to 10: ok; its file 10 bytes, the leader's 100
// CHECK-NOT: ATTACK SUCCEEDED
// LIVE: denied: mmap({{.*}}"/memfd:rev43 (deleted)"{{.*}}WRPKRU bytes at offset 0x100
#define _GNU_SOURCE
#include <bulkhead.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* A compartment, so that the filter and the supervisor are on. */
BULKHEAD_DATA(vault) static int vault_secret = 7;
BULKHEAD_ENTRY(vault) int vault_get(void) { return vault_secret; }

#define SLOT 100

/* A sealed memfd of one page of ret, with WRPKRU at 0x100 if bad. */
static int code_memfd(int bad) {
  unsigned char page[4096];
  memset(page, 0xc3, sizeof page);
  if (bad)
    memcpy(page + 0x100, "\x0f\x01\xef", 3);
  int m = memfd_create("rev43", MFD_ALLOW_SEALING);
  if (m < 0 || write(m, page, sizeof page) != (ssize_t)sizeof page ||
      fcntl(m, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW))
    perror("memfd");
  return m;
}

static int bad_fd;
static volatile int result; /* 0 running, 1 mapped clean, 2 mapped WRPKRU,
                               3 mmap failed */
static volatile long mmap_errno;

#define TRUNC_SLOT 101
static int other_file; /* in both tables; the thread puts it at TRUNC_SLOT */

/* The thread shares the leader's TLS (no CLONE_SETTLS): raw calls only. */
static int thread_main(void *how) {
  if (how == (void *)2) { /* ftruncate its own TRUNC_SLOT */
    syscall(SYS_dup2, other_file, TRUNC_SLOT);
    long r = syscall(SYS_ftruncate, TRUNC_SLOT, 10);
    mmap_errno = -r, result = r ? 3 : 1;
    syscall(SYS_exit, 0);
  }
  if (how)
    syscall(SYS_dup2, bad_fd, SLOT);
  long r = syscall(SYS_mmap, 0, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE,
                   SLOT, 0);
  if (r < 0 && r > -4096)
    mmap_errno = -r, result = 3;
  else if ((unsigned long)r > (unsigned long)-4096L)
    mmap_errno = EINVAL, result = 3;
  else
    result = memcmp((char *)r + 0x100, "\x0f\x01\xef", 3) ? 1 : 2;
  syscall(SYS_exit, 0);
  return 0;
}

static char stacks[3][65536] __attribute__((aligned(16)));

/* Runs one thread with a table of its own; waits up to 4 s. */
static int run(int n, long swap) {
  result = 0;
  int flags = CLONE_VM | CLONE_FS | CLONE_SIGHAND | CLONE_THREAD |
              CLONE_SYSVSEM; /* no CLONE_FILES */
  if (clone(thread_main, stacks[n] + sizeof stacks[n], flags,
            (void *)swap) < 0) {
    perror("clone");
    return -1;
  }
  for (int i = 0; i < 400 && !result; i++) {
    struct timespec t = {0, 10000000};
    nanosleep(&t, NULL);
  }
  return result;
}

static const char *said(int r) {
  switch (r) {
  case 1:
    return "mapped, clean";
  case 2:
    return "mapped, WRPKRU at 0x100";
  case 3:
    return strerror((int)mmap_errno);
  default:
    return "no answer within 4 s";
  }
}

#include "Inputs/leader-gone.h"

static int gone;

static void *both(void *arg) {
  (void)arg;
  for (int i = 0; gone && i < 5000 && !leader_gone(); i++)
    usleep(1000);
  if (gone)
    printf("main thread gone: %s\n", leader_gone() ? "yes" : "no");
  printf("control (own table, same file): %s\n", said(run(0, 0)));
  int r2 = run(2, 2);
  struct stat leaders, its;
  fstat(TRUNC_SLOT, &leaders), fstat(other_file, &its);
  printf("own table, ftruncate of its slot to 10: %s; its file %lld bytes, "
         "the leader's %lld\n",
         r2 == 1 ? "ok" : said(r2), (long long)its.st_size,
         (long long)leaders.st_size);
  int r = run(1, 1);
  printf("own table, its slot swapped to a WRPKRU memfd: %s\n", said(r));
  if (r == 2)
    printf("ATTACK SUCCEEDED: the thread's executable page holds WRPKRU "
           "bytes the supervisor never scanned\n");
  printf("attacks-rev43-thread-own-table: done\n");
  exit(0);
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  gone = argc > 1;
  if (vault_get() != 7)
    return 1;
  int good = code_memfd(0);
  bad_fd = code_memfd(1);
  if (dup2(good, SLOT) != SLOT)
    return perror("dup2"), 1;
  char hundred[100] = {0};
  int leaders = memfd_create("leaders", 0);
  other_file = memfd_create("its", 0);
  if (write(leaders, hundred, 100) != 100 ||
      write(other_file, hundred, 100) != 100 ||
      dup2(leaders, TRUNC_SLOT) != TRUNC_SLOT)
    return perror("files"), 1;
  pthread_t t;
  pthread_create(&t, NULL, both, NULL);
  if (gone)
    pthread_exit(NULL); /* the leader a zombie: the caller's own table */
  pthread_join(t, NULL);
  return 0;
}
