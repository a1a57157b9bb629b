// hardening.md allows seccomp filters without a listener on purpose, "they
// can only refuse more". But SECCOMP_RET_ERRNO with errno 0 takes
// precedence over the Bulkhead filter's SECCOMP_RET_USER_NOTIF and makes
// the call return 0 without the supervisor seeing it - and 0 is what the
// runtime takes for the supervisor's approval of its stack-owner requests
// (stacks.c claim(): an ioctl on descriptor 0x7ffffff3). The default
// domain installs such a filter for that descriptor (no listener, so the
// Bulkhead filter lets it through); from then on every claim of a
// compartment stack "succeeds" with the owner table left at 0 (free). The
// main thread enters the vault and blocks in read() on stack 0, still free
// in the table; a second thread enters the vault, finds stack 0 free,
// "claims" it and runs vault code from its top, over the main thread's
// live vault frames (1008 of the main thread's 1024 bytes of vault locals
// change; the main thread then dies on its way back). With an entry that
// keeps its argument in a local, the attacker's value lands in the main
// thread's vault frame. The threat model says "no store makes two threads
// share one" stack; two system calls do. Found in the second review of the
// default domain's program counter (attacker model B); verified natively
// (6.18) and in the QEMU guest (6.1).
//
// Fixed: the runtime no longer takes a bare 0 for the supervisor's answer:
// after a claim it checks that the owner table (read-only, written only by
// the supervisor) names this thread, and stops otherwise (and after a
// release, that it no longer does; after a fork's adoption, that every
// held stack is the child's). Other ideas considered: Alternatively make the
// supervisor answer with a value no filter can fake (a per-run secret
// would be key-0 readable: the table check is the one that holds), or
// refuse, for our process, new filters that return SECCOMP_RET_ERRNO or
// SECCOMP_RET_TRACE (the filter cannot read the program: that needs the
// supervisor to read it, racing with other threads).
//
// Since then (docs/shared-objects.md, step 6, piece 4) the supervisor
// refuses, for our process, every seccomp filter but the one it writes
// for an object it registers, so the fake filter is refused when it is
// installed and the runtime's check above is not reached any more.
//
// This test expects the second thread not to run on the main thread's
// stack: the supervisor stops the program at the fake filter.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 -pthread %s -o %t
// RUN: not %run %t > %t.out 2>&1; FileCheck %s < %t.out
// CHECK: bulkhead: denied: seccomp(0x1, 0x0, {{.*}} from the default domain, {{.*}} the program installs no seccomp filter but the one the supervisor wrote
// CHECK-NOT: BROKEN
#include "Inputs/check.h"
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#define REQUEST_FD 0x7ffffff3 /* runtime/syscalls.h: the runtime's requests */

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
  /* said here: the way back may not survive what happened to the frame */
  printf("main, back in the vault: %d bytes of its locals changed\n", changed);
  fflush(stdout);
  return changed;
}
BULKHEAD_ENTRY(vault) int vault_scribble(void) {
  volatile char buf[1024];
  for (int k = 0; k < 1024; k++)
    buf[k] = 'Z';
  return buf[5];
}

static int fds[2];

static void install_fake_filter(void) {
  struct sock_filter f[] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_ioctl, 0, 3),
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, REQUEST_FD, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | 0), /* "done" */
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  struct sock_fprog prog = {sizeof f / sizeof f[0], f};
  CHECK(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0);
  CHECK(syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) == 0);
}

static void *second_thread(void *arg) {
  (void)arg;
  usleep(300 * 1000); /* the main thread is blocked in the vault by now */
  vault_scribble();   /* "claims" stack 0, the main thread's */
  puts("second thread: ran vault code");
  fflush(stdout);
  CHECK(write(fds[1], "x", 1) == 1);
  return NULL;
}

int main(void) {
  CHECK(pipe(fds) == 0);
  install_fake_filter(); /* before any vault entry; inherited by threads */
  pthread_t t;
  CHECK(pthread_create(&t, NULL, second_thread, NULL) == 0);
  int changed = vault_wait(fds[0]);
  CHECK(pthread_join(t, NULL) == 0);
  if (changed) {
    puts("attacks-review2-filter-fakes-claim: BROKEN: another thread's vault frames overwrote "
         "the main thread's");
    return 1;
  }
  puts("attacks-review2-filter-fakes-claim: ok");
  return 0;
}
