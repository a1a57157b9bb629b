// An honest program whose signal handler enters a compartment: a thread's
// first entry into the vault gets its stack in the runtime
// (runtime/stacks.c bh_stack_new: the claim, mapping the stack, the slot,
// then, since review 67b, the stack's owner word), and a signal may come
// anywhere in there. Its handler's entry must work. Each worker thread's
// own timer sends it SIGUSR1 every few microseconds while it makes its
// first entry; the handler calls the vault.
// - A signal held back by the claim (which blocks signals around its
//   request to the supervisor, or around its lock without the filter) came
//   right after it, before the stack was mapped: the handler's entry found
//   the stack in the owner table under its own id, took it without mapping
//   it, and the process died of SIGSEGV (on the unmapped stack in
//   own_stacks; before review 67b at the trampoline's mark store, so not
//   new with it).
// - New with review 67b: between the slot's store (give_stack) and the
//   owner word's (own_stacks) the handler's entry finds a stack whose
//   owner word names no thread or another one, and traps (SIGILL); before,
//   the trampoline wrote the owner itself at the fresh top. That window is
//   a few instructions and a gettid: this test rarely lands a signal
//   there; seen 1 of 1 with a runtime that sends the thread SIGUSR1 right
//   after the slot's store (and a handler that enters only once the slot
//   is set).
//
// No attacker (review 71 of 63dd118): an honest program stops.
// Seen in the guest on main at 63dd118 (LLVM 19, -O2): SIGSEGV, 3 of 3
// with the filter and 3 of 3 without. Fixed: bh_stack_new blocks every
// signal from before the claim until the owner word is written, so that a
// handler's entry comes before the first entry began or after it ended
// (passes 3 of 3 since).
//
// Run "exit": a signal during a thread's exit: the runtime's exit
// handler (runtime/stacks.c thread_exit) empties the thread's vault slot
// and releases its stack (PROT_NONE, then the owner table; with the
// filter, a request to the supervisor). A handler's entry in between either found the slot
// empty and was given the stack being released (unmapped already), or
// put the slot back to the stack's fresh top on its way out, so that a
// later entry (another exit handler) used a released stack. Each worker
// thread's own timer sends it SIGUSR1 every few microseconds from before
// its first entry into the vault until after it ended; the handler calls
// the vault.
//
// No attacker (review 71 of 63dd118; not new with it): an honest program
// stops. Seen in the guest on main at 63dd118 plus this review's
// first-entry fix (LLVM 19, -O2): SIGSEGV (without the filter: "SIGSEGV
// (invalid permissions) at ... in compartment 'vault'", the owner word of
// a released stack; with it, once: "a compartment stack's owner is not
// what the system-call supervisor was asked to record"), 3 of 3 with the
// filter and 3 of 3 without.
// Fixed: thread_exit blocks every signal while it empties the slots and
// releases the stacks; a handler's entry after it takes a stack of its
// own, which the exit handler it registers again releases. Passes 3 of 3
// since.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 -pthread %s -o %t
// RUN: %run %t | FileCheck %s
// RUN: %run %t exit | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-syscall-filter -O2 -pthread %s -o %t.nf
// RUN: %run %t.nf | FileCheck %s
// RUN: %run %t.nf exit | FileCheck %s
// CHECK: workers' vault calls: 200 of 200
// CHECK: handlers' vault calls: {{[1-9][0-9]*}}, all right
// CHECK: stacks-rev71-signal-first-entry-exit: done
#define _GNU_SOURCE
#include "Inputs/check.h"
#include <bulkhead.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/syscall.h>
#include <time.h>

BULKHEAD_DATA(vault) static long secret = 41;

BULKHEAD_ENTRY(vault) long vault_get(void) { return secret + 1; }

static atomic_long handled, handled_bad;

static void on_usr1(int sig) {
  (void)sig;
  long r = vault_get();
  atomic_fetch_add(&handled, 1);
  if (r != 42)
    atomic_fetch_add(&handled_bad, 1);
}

static int through_exit; /* "exit": each timer goes on until joined */

static void *worker(void *arg) {
  long k = ((long *)arg)[1];
  struct sigevent ev;
  memset(&ev, 0, sizeof ev);
  ev.sigev_notify = SIGEV_THREAD_ID;
  ev.sigev_signo = SIGUSR1;
  ev._sigev_un._tid = (pid_t)syscall(SYS_gettid);
  timer_t tm;
  CHECK(timer_create(CLOCK_MONOTONIC, &ev, &tm) == 0);
  /* Periods from 2 to 101 us: signals come at different points of the
   * first entry (and of the exit) each time. */
  long ns = 2000 + k % 100 * 1000;
  struct itimerspec its = {{0, ns}, {0, ns}};
  CHECK(timer_settime(tm, 0, &its, NULL) == 0);
  *(long *)arg = vault_get(); /* the first entry */
  ((timer_t *)arg)[2] = tm;
  if (!through_exit)
    CHECK(timer_delete(tm) == 0);
  return NULL;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  through_exit = argc > 1 && !strcmp(argv[1], "exit");
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_usr1;
  sa.sa_flags = SA_RESTART;
  CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
  int good = 0;
  for (int i = 0; i < 200; i++) {
    long r[3] = {0, i, 0};
    pthread_t w;
    CHECK(pthread_create(&w, NULL, worker, r) == 0);
    CHECK(pthread_join(w, NULL) == 0);
    if (through_exit)
      CHECK(timer_delete(((timer_t *)r)[2]) == 0);
    good += r[0] == 42;
  }
  printf("workers' vault calls: %d of 200\n", good);
  printf("handlers' vault calls: %ld, %s\n", (long)handled,
         handled_bad ? "some wrong" : "all right");
  printf("stacks-rev71-signal-first-entry-exit: done\n");
  return 0;
}
