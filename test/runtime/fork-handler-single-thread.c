// fork from a signal handler of a program that never had a second thread,
// the signal interrupting it in the vault (often in its allocator, under
// the vault's heap lock), 100 times (runtime/fork.c): the runtime's fork
// handlers hold no compartment lock then, as glibc's fork holds no malloc
// lock then. Holding them, prepare would wait for the lock its own thread
// holds under the handler, every signal blocked (the alarm cannot end it).
// Each child exits at once; the parent counts them.
// Seen in the guest with the single-thread case taken out of fork.c
// (every fork holding the locks): no output, the guest's 300 s timeout,
// 3 of 3. Seen before stacks.c's claim_mapped: a signal between the first
// entry's claim of a vault stack and its mapping had the fork handlers
// run on the unmapped stack: the parent died of SIGSEGV in 6 of some 70
// runs (100 to 300 forks each).
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t | FileCheck %s
// CHECK: handler forks: 100, children ok: 100
// CHECK-NEXT: fork-handler-single-thread: end
#define _GNU_SOURCE
#include <bulkhead.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

/* From the vault's own heap (runtime/heap.c, under its lock). */
BULKHEAD_ENTRY(vault) int vault_churn(int v) {
  volatile int *p = malloc(64);
  if (!p)
    return -1;
  *p = v;
  int r = *p;
  free((void *)p);
  return r;
}

static volatile sig_atomic_t forks, ok;

static void on_prof(int sig) {
  (void)sig;
  if (forks >= 100)
    return;
  int saved = errno, st = 0;
  pid_t p = fork();
  if (p == 0)
    _exit(7);
  forks = forks + 1;
  if (p > 0 && waitpid(p, &st, 0) == p && WIFEXITED(st) &&
      WEXITSTATUS(st) == 7)
    ok = ok + 1;
  errno = saved;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  alarm(120);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_prof;
  sa.sa_flags = SA_RESTART;
  if (sigaction(SIGPROF, &sa, NULL))
    return 1;
  /* Process CPU time: the signal lands where the loop spends it. */
  struct itimerval t = {{0, 2000}, {0, 2000}};
  if (setitimer(ITIMER_PROF, &t, NULL))
    return 1;
  while (forks < 100)
    if (vault_churn(5) != 5)
      return 1;
  struct itimerval off = {{0, 0}, {0, 0}};
  setitimer(ITIMER_PROF, &off, NULL);
  printf("handler forks: %d, children ok: %d\n", (int)forks, (int)ok);
  puts("fork-handler-single-thread: end");
  return 0;
}
