// Review 70a, attacker model A (key-0 loads and stores only): a forked
// child starts every gone thread's compartment stack over (stacks.c,
// owners_after_fork: the review 67a fix) from glibc's list of atfork
// handlers, key-0 memory in libc's .bss. One store there, before the fork,
// clears the runtime's child handler (glibc skips a NULL one), and the
// child keeps the gone threads' stacks with their live call outs and
// their owner words: review 67a's attack works again.
// How: as attacks-rev67a-fork-recycled-fs-base.c: in the parent, thread
// 2 enters vault_session as admin, which calls out to wait_outside and
// publishes its call out's saved stack pointer (BH_FRAME_FROM_SP). Before
// the fork the attacker finds the runtime's entry in glibc's fork handler
// list (libc's writable memory, from /proc/self/maps: a struct
// fork_handler {prepare, parent, child, dso_handle} whose dso_handle is the
// executable's: the runtime's, runtime/fork.c) and stores 0 over
// its child handler. In the child, a new thread (thread 2's fs base,
// recycled by glibc) enters vault_session as a guest; in its call out the
// attacker stores thread 2's saved stack pointer over its own. Back "in
// vault_session", the activation is thread 2's admin one: it reads the
// vault's secret for the guest. Control: the same, the handler left as it
// is: the child starts thread 2's stack over and the guest's way back
// traps (review 67a's fix).
// Seen in the guest (LLVM 19, -O2, filter on) at 2102036: control "child:
// signal 4"; attack: "vault_session (admin 1) resumed by another thread:
// secret 4242", ATTACK SUCCEEDED, 3 of 3.
// Fixed: the runtime's fork and _Fork (spawn.c, the interposers the
// program's calls reach) check, in the child, the read-only owner table:
// after the fix-up every stack held is the one thread's; if one is
// another's, the handler did not run, and they run the fix-up themselves
// (stacks.c, bh_stacks_after_fork). The guest's way back traps again
// (child: signal 4).
// The same with daemon(), whose fork inside libc (__fork) does not reach
// the runtime's: ATTACK SUCCEEDED until the runtime's daemon forked
// through its own fork (spawn.c).
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 -pthread %s -o %t
// RUN: %run %t control | FileCheck %s --check-prefix=CONTROL
// RUN: %run %t attack | FileCheck %s
// RUN: %run %t daemon | FileCheck %s
// CONTROL: the runtime's fork handler: found
// CONTROL: saved stack pointer moved: yes
// CONTROL: child: signal 4
// CONTROL: attacks-rev70a-fork-handler-list: end
// CHECK: the runtime's fork handler: found, cleared
// CHECK: saved stack pointer moved: yes
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: child: signal 4
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: attacks-rev70a-fork-handler-list: end
#include "Inputs/check.h"
#include "Inputs/atfork-entry.h"
#include <bulkhead.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define HOW "(the runtime's fork handler cleared)"
#include "Inputs/gone-thread-session.h"

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
  *sp = admin_sp;
  printf("saved stack pointer moved: yes\n");
}

static void *admin_thread(void *unused) {
  (void)unused;
  vault_session(1, wait_outside);
  return NULL;
}

static void *guest_thread(void *unused) {
  (void)unused;
  vault_guest(wait_outside);
  return NULL;
}


/* The parent's scene, then the fork (fork, or daemon's inside libc). The
 * child runs the guest; a daemon's parent exits inside daemon. */
static void scene(int use_daemon) {
  pthread_t t;
  CHECK(pthread_create(&t, NULL, admin_thread, NULL) == 0);
  while (!admin_out)
    usleep(1000);
  uintptr_t *h = find_handler();
  if (h && attack)
    h[2] = 0;
  printf("the runtime's fork handler: %s\n",
         !h ? "not found" : attack ? "found, cleared" : "found");
  pid_t p = use_daemon ? (daemon(1, 1) ? -1 : 0) : fork();
  CHECK(p >= 0);
  if (p == 0) {
    pthread_t g;
    CHECK(pthread_create(&g, NULL, guest_thread, NULL) == 0);
    CHECK(pthread_join(g, NULL) == 0);
    _exit(0);
  }
}

static void report(pid_t p) {
  int st = 0;
  CHECK(waitpid(p, &st, 0) > 0);
  printf("child: %s %d\n", WIFEXITED(st) ? "exit" : "signal",
         WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
}

/* "daemon": this process waits for the daemon (its subreaper) after its
 * parent, which ran the scene, exits inside daemon. */
int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  const char *mode = argc > 1 ? argv[1] : "attack";
  attack = strcmp(mode, "control") != 0;
  if (strcmp(mode, "daemon")) {
    scene(0); /* returns in the parent only */
    report(-1);
  } else {
    CHECK(prctl(PR_SET_CHILD_SUBREAPER, 1) == 0);
    pid_t p = fork();
    CHECK(p >= 0);
    if (p == 0)
      scene(1); /* does not return */
    int st = 0;
    CHECK(waitpid(p, &st, 0) == p && WIFEXITED(st) && !WEXITSTATUS(st));
    report(-1);
  }
  puts("attacks-rev70a-fork-handler-list: end");
  _exit(0); /* thread 2 waits forever */
}
