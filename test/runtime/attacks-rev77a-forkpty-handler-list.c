// Review 77a, attacker model A (key-0 loads and stores only): review
// 70a's attack through glibc's forkpty, which forks inside libc as daemon
// did (libc.so.6 2.36: forkpty calls __fork directly, not through the PLT,
// so the runtime's fork in spawn.c never runs). Review 70a's fix (the
// runtime's fork checks the read-only owner table in the child) and
// eaf418b's (the runtime's daemon forks through the runtime's fork) leave
// forkpty's child with its stack fix-up resting on glibc's list of atfork
// handlers alone: key-0 memory, where one store clears the runtime's child
// handler (glibc skips a NULL one).
// How: attacks-rev70a-fork-handler-list.c's scene: thread 2 enters
// vault_session as admin and waits in its call out; the attacker clears
// the runtime's child handler in glibc's list; the program calls
// forkpty. In the child (its output goes to the pty: the parent copies
// it), a new thread enters vault_session as a guest and, in its call out,
// stores thread 2's saved stack pointer over its own. Back "in
// vault_session", the activation is thread 2's admin one.
// Control: the same with the handler left as it is: the child starts
// thread 2's stack over and the guest's way back traps (child: signal 4).
// Seen in the guest (LLVM 19, -O2, filter on) on h-rev77a at b73440b:
// control "child: signal 4"; attack "vault_session (admin 1) resumed by
// another thread: secret 4242", ATTACK SUCCEEDED, 3 of 3.
// Fixed (runtime/spawn.c): forkpty is the runtime's, glibc's steps
// (openpty, fork, login_tty in the child) through the runtime's fork.
// Seen after: control as before, attack "child: signal 4", 3 of 3.
// glibc 2.36's other callers of __fork: daemon (the runtime's since
// eaf418b) and sunrpc's keyenvoy child, which only execs.
// The guest has no devpts: the shell mounts it before the program runs.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 -pthread %s -o %t -lutil
// RUN: %run /bin/sh -c 'test -e /dev/pts/ptmx || { mkdir -p /dev/pts && mount -t devpts devpts /dev/pts; }; exec "$0" "$@"' %t control | FileCheck %s --check-prefix=CONTROL
// RUN: %run /bin/sh -c 'test -e /dev/pts/ptmx || { mkdir -p /dev/pts && mount -t devpts devpts /dev/pts; }; exec "$0" "$@"' %t attack | FileCheck %s
// CONTROL: the runtime's fork handler: found
// CONTROL: saved stack pointer moved: yes
// CONTROL: child: signal 4
// CONTROL: attacks-rev77a-forkpty-handler-list: end
// CHECK: the runtime's fork handler: found, cleared
// CHECK: saved stack pointer moved: yes
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: child: signal 4
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: attacks-rev77a-forkpty-handler-list: end
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
#include <pty.h>

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


/* The parent's scene, then forkpty. The child runs the guest; its output
 * goes to the pty, which the parent copies to its own. */
static pid_t scene(void) {
  pthread_t t;
  CHECK(pthread_create(&t, NULL, admin_thread, NULL) == 0);
  while (!admin_out)
    usleep(1000);
  uintptr_t *h = find_handler();
  if (h && attack)
    h[2] = 0;
  printf("the runtime's fork handler: %s\n",
         !h ? "not found" : attack ? "found, cleared" : "found");
  int m = -1;
  pid_t p = forkpty(&m, NULL, NULL, NULL);
  CHECK(p >= 0);
  if (p == 0) {
    pthread_t g;
    CHECK(pthread_create(&g, NULL, guest_thread, NULL) == 0);
    CHECK(pthread_join(g, NULL) == 0);
    _exit(0);
  }
  char buf[256];
  for (ssize_t n; (n = read(m, buf, sizeof buf)) > 0;)
    for (ssize_t k = 0; k < n; k++)
      if (buf[k] != '\r')
        putchar(buf[k]);
  return p;
}

static void report(pid_t p) {
  int st = 0;
  CHECK(waitpid(p, &st, 0) > 0);
  printf("child: %s %d\n", WIFEXITED(st) ? "exit" : "signal",
         WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  attack = argc < 2 || strcmp(argv[1], "control") != 0;
  report(scene());
  puts("attacks-rev77a-forkpty-handler-list: end");
  _exit(0); /* thread 2 waits forever */
}
