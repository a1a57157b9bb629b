// Review 69a: an honest program (no attacker) whose forked child hangs at
// its first use of the vault. A second thread works in the vault in a
// loop: throws from it caught by the default domain ("throw": each
// allocates an exception block and hands it over, runtime/exceptions.c,
// under the vault's lock on its table of blocks), or mallocs and frees in
// it ("churn": runtime/heap.c, under the vault's heap lock). The main
// thread, which never entered the vault, forks; the child does the same
// once. Both locks are ticket locks on the vault's key (runtime/lock.h);
// a fork that catches the second thread holding one leaves it held in the
// child for ever: the child spins in sched_yield. stacks.c's
// abandon_unless_mine (c9116ab) starts the gone thread's stack over, but
// nothing resets what that thread held. By reading only (not seen, the
// lock comes first): the ring's hand-over busy word (ring.handover) is not
// cleared either, and the hand-over stub takes the first stack of the
// vault the thread holds in the owner table (in the child, the gone
// thread's): a child forked inside a hand-over would stop with "a C++
// exception hand-over began during another on this thread".
// Attacker model: none (an honest program breaks); model A needs nothing.
// How: up to 300 forks; each child's alarm(20) ends a hang; the first
// child that does not exit 0 ends the loop. A third argument "vault" has
// main fork from inside the vault (vault_fork: fork from compartment
// code, whose handlers run with the default domain's rights).
// Controls: "idle throw" and "idle churn" (the second thread calls the
// vault in a loop, no exceptions, no malloc): 300 children, all exit 0.
// Seen in the guest (LLVM 19, -O2) at c9116ab: "throw throw": "child 0:
// signal 14", 3 of 3; "churn churn": children 5, 0, 1 "signal 14", 3 of
// 3; both controls "forks: 300, broken: 0". A debug build's SIGALRM
// handler showed the hung child in libc (sched_yield) on its vault stack,
// rbx the vault's heap header + 0x40 (struct bh_exc_list's lock).
// Fixed (runtime/fork.c): pthread_atfork handlers take every
// compartment's exception-table and heap locks with its rights before
// the fork (on the forking thread's stack of it, claimed if it never
// entered), give them back in the parent and free them in the child;
// the ring's hand-over word of an abandoned stack is cleared in the child
// (stacks.c, abandon_unless_mine). Now "forks: 300, broken: 0" in every
// case.
// REQUIRES: pku
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 -pthread %s -o %t
// RUN: %run %t idle throw | FileCheck %s
// RUN: %run %t idle churn | FileCheck %s
// RUN: %run %t throw throw | FileCheck %s
// RUN: %run %t churn churn | FileCheck %s
// RUN: %run %t throw throw vault | FileCheck %s
// RUN: %run %t churn churn vault | FileCheck %s
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: forks: 300, broken: 0
// CHECK-NEXT: attacks-rev69a-fork-vault-lock: end
#include <bulkhead.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* key 0: the vault reads them */
static volatile int stop, rounds, throwing, churning;

extern "C" BULKHEAD_ENTRY(vault) void vault_throw(int v) {
  if (v >= 0)
    throw v;
}

extern "C" BULKHEAD_ENTRY(vault) int vault_add(int a, int b) { return a + b; }

/* From the vault's own heap (runtime/heap.c, under its lock). */
extern "C" BULKHEAD_ENTRY(vault) int vault_churn(int v) {
  volatile int *p = (volatile int *)malloc(64);
  if (!p)
    return -1;
  *p = v;
  int r = *p;
  free((void *)p);
  return r;
}

/* fork from compartment code (runtime/spawn.c); both sides return here. */
extern "C" BULKHEAD_ENTRY(vault) int vault_fork(void) { return fork(); }

static void *second_thread(void *) {
  while (!stop) {
    if (throwing) {
      try {
        vault_throw(7);
      } catch (int v) {
        if (v != 7)
          printf("second thread caught %d\n", v);
      }
    } else if (churning) {
      vault_churn(7);
    } else {
      vault_add(1, 2);
    }
    rounds = rounds + 1;
  }
  return NULL;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  if (argc != 3 && !(argc == 4 && !strcmp(argv[3], "vault")))
    return 1;
  int from_vault = argc == 4;
  /* The second thread's work, then the child's. */
  throwing = !strcmp(argv[1], "throw");
  churning = !strcmp(argv[1], "churn");
  int child_churns = !strcmp(argv[2], "churn");
  pthread_t t;
  if (pthread_create(&t, NULL, second_thread, NULL))
    return 1;
  while (rounds < 10)
    sched_yield();
  int n = 0, broken = 0, st = 0;
  for (; n < 300 && !broken; n++) {
    pid_t p = from_vault ? vault_fork() : fork();
    if (p < 0)
      return 1;
    if (p == 0) {
      alarm(20);
      if (child_churns)
        _exit(vault_churn(42) == 42 ? 0 : 3);
      try {
        vault_throw(42);
      } catch (int v) {
        _exit(v == 42 ? 0 : 3);
      }
      _exit(4);
    }
    if (waitpid(p, &st, 0) != p)
      return 1;
    if (!WIFEXITED(st) || WEXITSTATUS(st)) {
      broken = 1;
      printf("child %d: %s %d\n", n, WIFEXITED(st) ? "exit" : "signal",
             WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
    }
  }
  stop = 1;
  pthread_join(t, NULL);
  printf("forks: %d, broken: %d\n", n, broken);
  if (broken)
    printf("ATTACK SUCCEEDED: a forked child of an honest program could not "
           "use the vault\n");
  puts("attacks-rev69a-fork-vault-lock: end");
  return 0;
}
