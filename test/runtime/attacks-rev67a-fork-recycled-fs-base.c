// Attacker model A (key-0 loads and stores only): a stack's owner word
// (abi.h, BH_STACK_OWNER_BELOW) is the fs base of the thread that last
// started its mark over, and an fs base is not a thread's for good: glibc
// puts the thread control block at the top of the thread's stack and
// reuses stacks, so a new thread gets the fs base of one that is gone. In
// a forked child the threads other than the forking one are gone with
// their vault frames live (a call out in progress); the child's glibc
// reclaims their stacks, and the child's first new thread runs with the
// fs base of one of them. That thread's way back of a call out passes the
// owner check on the gone thread's vault stack ("Same arena, other
// stack" in threat-model.md), finds that thread's call out record (its
// marked cookie, never used) and resumes its vault activation: with the
// locals that activation had (here: an admin session's), for a thread
// that entered the vault as a guest.
//
// How: in the parent, thread 2 enters vault_session as admin, which calls
// out to wait_outside; there it publishes its call out's saved stack
// pointer (BH_FRAME_FROM_SP, key 0 on its default stack) and waits. The
// main thread forks. In the child, a new thread enters vault_session as a
// guest; in its call out the attacker stores thread 2's saved stack
// pointer over its own and returns. Back "in vault_session", the
// activation is thread 2's admin one: it reads the vault's secret for the
// guest. Control: no store (the guest's own activation, no secret).
//
// Seen on main at 8e715f7 (LLVM 19, -O2, guest, 3 of 3): "fs bases:
// thread 2 in the parent, the child's new thread: same", "vault_session
// (admin 1) resumed by another thread: secret 4242", ATTACK SUCCEEDED;
// control: the guest's own activation, child exit 0.
//
// Fixed (runtime/stacks.c forget_gone_owners): after the adoption, the
// forked child clears, with each compartment's rights, the owner word of
// every stack it holds that does not name the forking thread's fs base;
// the guest's way back then traps (child: signal 4). Seen after: 3 of 3
// in the guest. Since review 71 the child also gives such a stack back
// (attacks-rev71-fork-child-stale-record.c), and the guest may run on it:
// it enters deeper (vault_guest), so that the stored pointer is not its
// own call out's record. Open: a thread that ends keeping a stack with frames live
// (stacks.c release, EBUSY) leaves its owner word, and the next thread
// made after the join gets its fs base; not shown: after a longjmp out
// its records are void, and this review's pthread_exit from a call out
// faulted in the forced unwind (stacks-kept-live-frames.c exits so).
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 -pthread %s -o %t
// RUN: %run %t control | FileCheck %s --check-prefix=CONTROL
// RUN: %run %t attack | FileCheck %s
// CONTROL: saved stack pointer moved: no
// CONTROL: vault_session (admin 0) back in its own activation
// CONTROL: child: exit 0
// CONTROL: attacks-rev67a-fork-recycled-fs-base: end
// CHECK: saved stack pointer moved: yes
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: child: signal 4
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: attacks-rev67a-fork-recycled-fs-base: end
#include "Inputs/check.h"
#include <bulkhead.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define HOW "(its fs base recycled)"
#include "Inputs/gone-thread-session.h"

static uintptr_t fs_admin, fs_guest;

/* The call out's frame (abi.h, BH_FRAME_*) lies above the return address
 * into the trampoline: its saved stack pointer at frame + 40. */
__attribute__((noinline)) static void wait_outside(int admin) {
  volatile uintptr_t *sp =
      (volatile uintptr_t *)((char *)__builtin_frame_address(0) + 40);
  if (admin) { /* thread 2, in the parent: waits for its answer */
    admin_sp = *sp;
    admin_out = 1;
    for (;;)
      pause();
  }
  /* The attacker, in the child: key-0 loads and stores. */
  if (attack)
    *sp = admin_sp;
  printf("saved stack pointer moved: %s\n", attack ? "yes" : "no");
}

static void *admin_thread(void *unused) {
  (void)unused;
  fs_admin = (uintptr_t)pthread_self(); /* the TCB: the fs base */
  vault_session(1, wait_outside);
  return NULL;
}

static void *guest_thread(void *unused) {
  (void)unused;
  fs_guest = (uintptr_t)pthread_self();
  vault_guest(wait_outside);
  return NULL;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  attack = !(argc > 1 && !strcmp(argv[1], "control"));
  pthread_t t;
  CHECK(pthread_create(&t, NULL, admin_thread, NULL) == 0);
  while (!admin_out)
    usleep(1000);
  pid_t p = fork();
  if (p == 0) {
    pthread_t g;
    CHECK(pthread_create(&g, NULL, guest_thread, NULL) == 0);
    CHECK(pthread_join(g, NULL) == 0);
    printf("fs bases: thread 2 in the parent, the child's new thread: %s\n",
           fs_admin == fs_guest ? "same" : "differ");
    _exit(0);
  }
  int st = 0;
  waitpid(p, &st, 0);
  printf("child: %s %d\n", WIFEXITED(st) ? "exit" : "signal",
         WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
  puts("attacks-rev67a-fork-recycled-fs-base: end");
  _exit(0); /* thread 2 waits forever */
}
