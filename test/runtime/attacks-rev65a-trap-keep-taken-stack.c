// Attacker model A (key-0 loads and stores only, from a racing thread):
// a stack taken over by another thread at its fresh top (review 64 lets
// that through: nothing of its owner is live) is still its first thread's
// in the runtime's owner table (runtime/stacks.c), which the signal
// dispatcher trusts. The first thread's next vault entry, its slot
// pointed into the other thread's live vault frames there, traps on the
// stack's owner (pass/AsmEmitter.cpp loadStackTop) with the vault's rights
// already held and its stack pointer still on its own key-0 stack. With a
// SIGILL handler installed (a crash reporter, say), the dispatcher
// (runtime/signals.c, interrupted_compartment) takes the stack from that
// key-0 slot, bh_run_in_compartment's owner-table check passes (the first
// thread's stack), and keep copies the kernel's signal frame below the
// slot, with the vault's rights, over the frames the other thread is
// running.
//
// How: the main thread enters the vault once (its stack, idle after). The
// attacker stores the main thread's stack's fresh top into a second
// thread's vault slot; the second thread's vault_busy then runs there
// (taken over: the header's owner is now the second thread), fills 4 KiB
// of locals with 'v' and waits, in vault code, for a key-0 flag. The
// attacker stores 512 bytes below that fresh top into the main thread's
// own slot (in vault_busy's locals). The main thread calls vault_scribble:
// SIGILL; its handler sets the flag and waits; vault_busy counts its
// locals that are no longer 'v'. Control: no stores (the main thread's
// entry works, nothing traps, 0 bytes change).
//
// The copy is the trapped thread's registers (rdi: its argument) and
// XSAVE image, read from the kernel's frame on its key-0 stack, which a
// racing store may rewrite before keep copies it: attacker-chosen words
// over the other thread's return addresses and locals.
// Seen on main at d545467 (LLVM 19, -O2, guest, 3 of 3): "main: SIGILL
// handler ran", "second, back from waiting: 3068 bytes of its locals
// changed", ATTACK SUCCEEDED; control: 0 bytes, exit 0.
//
// Suggested fix: where the header names an owner, the dispatcher should
// take a stack as this thread's only if the header's owner is this
// thread's fs base too (interrupted_compartment/keep, or
// bh_run_in_compartment for its callers), or the takeover should update
// the owner table; and a refused trampoline should trap before its gate
// (or drop the slot it refused) so no handler sees the compartment's
// rights with a refused slot.
// Fixed (runtime/signals.c keep): the dispatcher keeps a frame only on a
// stack whose header names this thread's fs base as its owner; otherwise
// the program stops with one line. Seen after: 3 of 3 in the guest.
// Since review 67b no entry takes a stack over (the runtime writes the
// owner when the owner table gives a stack, runtime/stacks.c own_stacks):
// the second thread's entry at the main thread's idle stack traps before
// any vault frame is written, and the scene ends there (its SIGILL handler
// says so and ends the child), so keep's line is no longer reached.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 -pthread %s -o %t
// RUN: %run %t control | FileCheck %s --check-prefix=CONTROL
// RUN: %run %t attack | FileCheck %s
// CONTROL: slots: stored no
// CONTROL: second, back from waiting: 0 bytes of its locals changed
// CONTROL: child: exit 0
// CONTROL: attacks-rev65a-trap-keep-taken-stack: end
// CHECK: second: its entry at the main thread's stack trapped
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: child: exit 0
// CHECK: attacks-rev65a-trap-keep-taken-stack: end
#include "Inputs/check.h"
#include "Inputs/vault-scribble.h"
#include "Inputs/stack-owners.h"
#include "Inputs/tls-words.h"
#include <bulkhead.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>


static int attack;
static volatile int busy, go, done; /* key 0: the vault reads them */
static pthread_t main_thread, second;
static uint32_t main_tid;
static pthread_barrier_t ready, stored, stored2;

BULKHEAD_ENTRY(vault) int vault_busy(void) {
  volatile char buf[4096];
  for (int k = 0; k < 4096; k++)
    buf[k] = 'v';
  busy = 1;
  while (!go) /* vault code, no call out */
    ;
  int changed = 0;
  for (int k = 0; k < 4096; k++)
    changed += buf[k] != 'v';
  printf("second, back from waiting: %d bytes of its locals changed\n",
         changed);
  if (changed)
    puts("ATTACK SUCCEEDED: the dispatcher kept a signal frame over the "
         "live vault frames of the thread that took the stack over");
  done = 1;
  return changed;
}

static void on_sigill(int sig) {
  (void)sig;
  if ((uint32_t)syscall(SYS_gettid) != main_tid) { /* its takeover */
    puts("second: its entry at the main thread's stack trapped");
    _exit(0);
  }
  puts("main: SIGILL handler ran");
  go = 1;
  while (!done)
    ;
  _exit(0);
}

static void *second_thread(void *unused) {
  (void)unused;
  vault_scribble('B'); /* a stack of its own */
  pthread_barrier_wait(&ready);
  pthread_barrier_wait(&stored);
  vault_busy();
  return NULL;
}

/* The attacker: key-0 loads and stores only. */
static void *attacker(void *unused) {
  (void)unused;
  uintptr_t off = (uintptr_t)tls_word("__bulkhead_stack.vault") -
                  (uintptr_t)pthread_self();
  pthread_barrier_wait(&ready);
  uintptr_t top = attack ? vault_fresh_top(main_tid) : 0;
  if (top) /* the second thread takes the main thread's idle stack over */
    *(uintptr_t *)((uintptr_t)second + off) = top;
  pthread_barrier_wait(&stored);
  while (!busy)
    ;
  if (top) /* into vault_busy's locals, which the second thread runs */
    *(uintptr_t *)((uintptr_t)main_thread + off) = top - 512;
  printf("slots: stored %s\n", top ? "yes" : "no");
  pthread_barrier_wait(&stored2);
  return NULL;
}

static int scenario(void) {
  CHECK(domain_table[0] == 1);
  main_tid = (uint32_t)syscall(SYS_gettid);
  main_thread = pthread_self();
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_sigill;
  CHECK(sigaction(SIGILL, &sa, NULL) == 0);
  vault_scribble('M'); /* the main thread's stack, idle after */
  pthread_barrier_init(&ready, NULL, 3);
  pthread_barrier_init(&stored, NULL, 2);
  pthread_barrier_init(&stored2, NULL, 2);
  pthread_t a;
  CHECK(pthread_create(&second, NULL, second_thread, NULL) == 0);
  CHECK(pthread_create(&a, NULL, attacker, NULL) == 0);
  pthread_barrier_wait(&ready);
  pthread_barrier_wait(&stored2);
  vault_scribble('M');
  puts("main: entered the vault");
  go = 1;
  CHECK(pthread_join(second, NULL) == 0);
  CHECK(pthread_join(a, NULL) == 0);
  return 0;
}

/* In a child: it may not survive. */
int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  attack = argc > 1 && !strcmp(argv[1], "attack");
  run_scene_in_child(scenario);
  puts("attacks-rev65a-trap-keep-taken-stack: end");
  return 0;
}
