// Review 73b, an honest program (no attacker), built without the
// system-call filter (-fno-pkey-syscall-filter): there the runtime records
// a compartment stack's claim and release itself, under an flock of
// /proc/self/mem held on a descriptor of the claiming thread (stacks.c,
// owner_lock). A fork while another thread holds that lock gives the
// child a copy of the descriptor, and an flock belongs to the open file,
// not to the descriptor: the parent's close leaves the lock held for as
// long as the child keeps its copy (it has no name for it; O_CLOEXEC
// closes it only at exec). Every later claim or release in the parent (a
// thread's first entry into the compartment, a thread's exit) waits for
// the child to end.
//
// How: a worker makes thread after thread that enters the vault once and
// ends (a claim and a release each, every one under the lock); main forks
// children that wait for a word on a pipe, and after each fork checks that
// the worker goes on within a second. Control: the same with no vault
// entry in the short threads (no lock taken).
// Seen in the guest (LLVM 19, -O2) at c048756: control "forks: 200, the
// worker stalled after none"; the honest run stalled after fork 8, 7 and
// 40 until the child ended, 3 of 3.
// Fixed: the lock is released (LOCK_UN) before the descriptors are closed
// (stacks.c, owner_unlock), which frees it for the child's copy too. Seen
// after: no stall in 200 forks, 3 of 3. (The child still inherits the
// two descriptors, /proc/<parent>/mem among them: without the filter
// only code that can make system calls could use them, and it could
// change the keys anyway.)
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-syscall-filter -O2 -pthread %s -o %t
// RUN: %run %t control | FileCheck %s --check-prefix=CONTROL
// RUN: %run %t | FileCheck %s
// CONTROL: forks: 200, the worker stalled after none
// CONTROL: stacks-rev73b-fork-owner-flock: end
// CHECK: forks: 200, the worker stalled after none
// CHECK: stacks-rev73b-fork-owner-flock: end
#include "Inputs/check.h"
#include <bulkhead.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int enter;
static volatile long rounds;
static volatile int stop;

BULKHEAD_ENTRY(vault) int vault_once(int x) { return x + 1; }

static void *short_thread(void *unused) {
  (void)unused;
  if (enter)
    vault_once(1);
  return NULL;
}

static void *worker(void *unused) {
  (void)unused;
  while (!stop) {
    pthread_t t;
    CHECK(pthread_create(&t, NULL, short_thread, NULL) == 0);
    CHECK(pthread_join(t, NULL) == 0);
    rounds++;
  }
  return NULL;
}

/* Whether the worker makes a round within a second. */
static int goes_on(void) {
  long r = rounds;
  for (int k = 0; k < 1000; k++) {
    if (rounds > r + 1)
      return 1;
    usleep(1000);
  }
  return 0;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  enter = !(argc > 1 && !strcmp(argv[1], "control"));
  pthread_t w;
  CHECK(pthread_create(&w, NULL, worker, NULL) == 0);
  int n = 0, stalled = -1;
  for (; n < 200 && stalled < 0; n++) {
    int fd[2];
    CHECK(pipe(fd) == 0);
    pid_t p = fork();
    CHECK(p >= 0);
    if (p == 0) {
      char c;
      close(fd[1]);
      (void)!read(fd[0], &c, 1); /* until the parent says so */
      _exit(0);
    }
    close(fd[0]);
    if (!goes_on())
      stalled = n;
    close(fd[1]); /* the child ends */
    waitpid(p, NULL, 0);
  }
  if (stalled < 0)
    printf("forks: %d, the worker stalled after none\n", n);
  else
    printf("forks: %d, the worker stalled after fork %d until the child "
           "ended (%s)\n",
           n, stalled, goes_on() ? "then went on" : "still stalled");
  stop = 1;
  CHECK(pthread_join(w, NULL) == 0);
  puts("stacks-rev73b-fork-owner-flock: end");
  return 0;
}
