// Review 73b, attacker model A (key-0 loads and stores only), in a program
// built without the system-call filter (-fno-pkey-syscall-filter).
//
// The runtime's atfork child handler (runtime/fork.c child) starts with
// bh_stacks_after_fork (stacks.c): the one thread takes over every
// compartment stack the owner table names (adopt_after_fork), then starts
// over and releases every one whose owner word is not its fs base
// (abandon_gone_threads_stacks). With the filter the supervisor makes the
// takeover only for a process of one thread (supervisor.c,
// BH_OWNER_ADOPT); without it the runtime writes the owner table itself and
// checks nothing. glibc's list of atfork handlers is key-0 memory: one
// store copies the runtime's child handler over its parent handler, and
// the next fork the program makes runs the takeover in the parent, where
// the other threads are alive. A thread running vault code has its stack
// started over and released under it; the next thread to enter the vault
// gets that stack, at its fresh top, and writes its frames over the live
// ones.
//
// How: thread 2 enters vault_busy, fills 4 KiB of locals with 'v' and
// waits in vault code (no stack access). The attacker finds the runtime's
// entry in glibc's list (as attacks-rev70a-fork-handler-list.c) and stores
// its child handler over its parent handler; main then forks (the child
// exits at once). A third thread enters vault_scribble('B'). Thread 2 goes
// on (the third thread alive: its exit would release the stack again) and
// counts its changed locals. Control: no store; the third thread
// gets a stack of its own.
//
// Seen in the guest (LLVM 19, -O2, no filter) at c048756: control
// "thread 2, back from waiting: 0 bytes of its locals changed"; attack:
// "1024 bytes of its locals changed", ATTACK SUCCEEDED, 3 of 3. With the
// filter (the default) the supervisor refuses the takeover and the
// program stops with one line.
// Fixed: without the filter the runtime, too, takes the stacks over only
// in a process of one thread, as the kernel counts them (stacks.c,
// adopt_after_fork); else the program stops with one line. Seen after:
// that line, 3 of 3.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-syscall-filter -O2 -pthread %s -o %t
// RUN: %run %t control | FileCheck %s --check-prefix=CONTROL
// RUN: not %run %t attack > %t.out 2>&1; FileCheck %s < %t.out
// CONTROL: the runtime's fork handler: found
// CONTROL: thread 2, back from waiting: 0 bytes of its locals changed
// CONTROL: attacks-rev73b-parent-adopts: end
// CHECK: the runtime's fork handler: found, child over parent
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: bulkhead: error: the runtime's fork fix-up of compartment stacks ran in a process of 2 threads, not a fork's child
// CHECK-NOT: ATTACK SUCCEEDED
#include "Inputs/check.h"
#include "Inputs/vault-scribble.h"
#include "Inputs/atfork-entry.h"
#include <bulkhead.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile int busy, go, checked, scribbled;

BULKHEAD_ENTRY(vault) int vault_busy(void) {
  volatile char buf[4096];
  for (int k = 0; k < 4096; k++)
    buf[k] = 'v';
  busy = 1;
  while (!go) /* vault code, no stack access */
    ;
  int changed = 0;
  for (int k = 0; k < 4096; k++)
    changed += buf[k] != 'v';
  printf("thread 2, back from waiting: %d bytes of its locals changed\n",
         changed);
  if (changed) {
    puts("ATTACK SUCCEEDED: the parent ran the runtime's fork child "
         "handler: another thread's entry started over thread 2's live "
         "vault frames");
    puts("attacks-rev73b-parent-adopts: end");
    _exit(0); /* its frames are the third thread's now */
  }
  checked = 1;
  return changed;
}

static void *busy_thread(void *unused) {
  (void)unused;
  vault_busy();
  return NULL;
}

static void *third_thread(void *unused) {
  (void)unused;
  vault_scribble('B');
  scribbled = 1;
  while (!checked) /* alive: its exit would release the stack */
    usleep(1000);
  return NULL;
}


int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int attack = !(argc > 1 && !strcmp(argv[1], "control"));
  pthread_t t2, t3;
  CHECK(pthread_create(&t2, NULL, busy_thread, NULL) == 0);
  while (!busy)
    usleep(1000);
  uintptr_t *h = find_handler();
  if (h && attack)
    h[1] = h[2]; /* the child handler, run in the parent */
  printf("the runtime's fork handler: %s\n",
         !h ? "not found" : attack ? "found, child over parent" : "found");
  pid_t p = fork();
  if (p == 0)
    _exit(0);
  CHECK(p > 0);
  int st = 0;
  waitpid(p, &st, 0);
  CHECK(pthread_create(&t3, NULL, third_thread, NULL) == 0);
  while (!scribbled)
    usleep(1000);
  go = 1;
  CHECK(pthread_join(t2, NULL) == 0);
  CHECK(checked);
  CHECK(pthread_join(t3, NULL) == 0);
  puts("attacks-rev73b-parent-adopts: end");
  return 0;
}
