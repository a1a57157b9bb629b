// Review 67b: an honest program that the stack owner check (2398b20) stops
// (no attacker at all). A second thread runs vault code when the main
// thread, which never entered the vault, forks. In the child the one
// thread adopts every stack of its parent's threads (runtime/stacks.c
// owners_after_fork), and its first vault entry is given the first of
// them (bh_stack_new): the second thread's, whose header still names
// that thread's fs base as its owner, with its frames (dead in the child)
// below the mark. The trampoline took another owner's stack only at its
// fresh top with nothing live (pass/AsmEmitter.cpp loadStackTop): the
// child's entry trapped.
//
// Seen in the guest (LLVM 19, -O2) at 8e715f7: "child: signal 4", 3 of 3
// ("idle" passes). Fixed (runtime/stacks.c, abandon_unless_mine): in the
// child every stack not the forking thread's starts over (its call outs'
// records voided, the mark at its fresh top, no owner), and the runtime
// makes it the child's when it gives it (stacks.c own_stacks). Control:
// the same with the second thread gone before the fork (its stack
// released, the mark at the fresh top).
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 -pthread %s -o %t
// RUN: %run %t idle | FileCheck %s
// RUN: %run %t busy | FileCheck %s
// CHECK: child: vault_add = 5
// CHECK-NEXT: child: exit 0
// CHECK-NEXT: stacks-rev67b-fork-other-busy: end
#include "Inputs/check.h"
#include <bulkhead.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile int stay, busy, go; /* key 0: the vault reads them */

BULKHEAD_ENTRY(vault) int vault_busy(void) {
  volatile char buf[256];
  for (int k = 0; k < 256; k++)
    buf[k] = 'v';
  busy = 1;
  while (stay && !go) /* vault code, no call out */
    ;
  return buf[3];
}

BULKHEAD_ENTRY(vault) int vault_add(int a, int b) { return a + b; }

static void *second_thread(void *unused) {
  (void)unused;
  vault_busy();
  return NULL;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  stay = argc > 1 && !strcmp(argv[1], "busy");
  pthread_t t;
  CHECK(pthread_create(&t, NULL, second_thread, NULL) == 0);
  while (!busy)
    ;
  if (!stay)
    CHECK(pthread_join(t, NULL) == 0);
  pid_t p = fork();
  CHECK(p >= 0);
  if (p == 0) {
    printf("child: vault_add = %d\n", vault_add(2, 3));
    _exit(0);
  }
  int st = 0;
  CHECK(waitpid(p, &st, 0) == p);
  printf("child: %s %d\n", WIFEXITED(st) ? "exit" : "signal",
         WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
  go = 1;
  if (stay)
    CHECK(pthread_join(t, NULL) == 0);
  puts("stacks-rev67b-fork-other-busy: end");
  return 0;
}
