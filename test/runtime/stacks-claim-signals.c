// A thread's first entry into a compartment claims a stack, and its exit
// releases it, each by a request to the system-call supervisor that waits
// in the kernel. A signal arriving during that wait must not break either:
// - a handler without SA_RESTART ended the request with EINTR, and the
//   runtime stopped the program ("did not record a compartment stack's
//   owner (Interrupted system call)");
// - with SA_RESTART (or a ptrace stop: the supervisor's own PKRU learner,
//   seen as a rare failure of attacks-rev20-learnt-pkru-stale.c in CI) the
//   kernel made the request again after the supervisor had already
//   written the table, and the second release found the stack free:
//   "... (Operation not permitted)".
// Here a signaller keeps interrupting threads that enter the vault once
// and end. The runtime blocks signals around its requests, and takes a
// request that finds its own work done for done.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 -pthread %s -o %t
// RUN: %run %t | FileCheck %s
// RUN: %run %t restart | FileCheck %s
// CHECK: vault calls: 300 of 300
// CHECK: signals delivered: yes
// CHECK: stacks-claim-signals: done
#define _GNU_SOURCE
#include <bulkhead.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

BULKHEAD_DATA(vault) static long secret = 41;

BULKHEAD_ENTRY(vault) long vault_get(void) { return secret + 1; }

static _Atomic pid_t target;
static _Atomic int stop, delivered;

static void on_signal(int sig) {
  (void)sig;
  delivered = 1;
}

static void *signaller(void *arg) {
  (void)arg;
  pid_t me = getpid();
  while (!stop) {
    pid_t t = target;
    if (t)
      syscall(SYS_tgkill, me, t, SIGUSR1);
  }
  return NULL;
}

static void *worker(void *arg) {
  target = (pid_t)syscall(SYS_gettid);
  *(long *)arg = vault_get(); /* the claim */
  return NULL;                 /* the release, at exit */
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sa.sa_flags = argc > 1 ? SA_RESTART : 0;
  sigaction(SIGUSR1, &sa, NULL);
  pthread_t s;
  pthread_create(&s, NULL, signaller, NULL);
  int good = 0;
  for (int i = 0; i < 300; i++) {
    long r = 0;
    pthread_t w;
    pthread_create(&w, NULL, worker, &r);
    pthread_join(w, NULL);
    target = 0;
    good += r == 42;
  }
  stop = 1;
  pthread_join(s, NULL);
  printf("vault calls: %d of 300\n", good);
  printf("signals delivered: %s\n", delivered ? "yes" : "no");
  printf("stacks-claim-signals: done\n");
  return 0;
}
