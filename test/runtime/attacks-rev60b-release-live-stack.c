// Review 60b, attacker model B (the default domain's program counter):
// a thread releases, with the runtime's own request (an ioctl on
// descriptor 0x7ffffff3, BH_OWNER_RELEASE), the vault stack its own live
// vault frames are on, and another thread's first vault entry then claims
// it and runs from its fresh top over those frames.
//
// How: the main thread enters vault_hold, which fills 4 KiB of locals
// and calls out to wait_outside (default-domain code, the attacker's).
// There the attacker looks its own id up in the read-only owner table and
// asks the supervisor to release that stack: the supervisor's one rule
// for a release is "the caller holds it" (supervisor.c owner_request), so
// it agrees. A second thread then enters the vault for the first time: the
// runtime finds the stack free, claims it, and the entry starts at the
// fresh top (which restarts the mark, design.md "Marks"), where
// vault_scribble writes 1 KiB of a byte the attacker chose into the main
// thread's live vault locals. The main thread's call out returns normally
// (its record, below the 4 KiB, is untouched) and the vault finds its
// locals changed (the entry's own frame at the stack's top was written
// too: the main thread's way back out of the vault then takes the second
// thread's saved stack pointer and faults in the default domain). This is review 2's effect (attacks-review2-filter-fakes-
// claim.c: "two threads share one stack") by a request the rules allow;
// threat-model.md's table says a forged request "gets only what the rules
// give the caller's own thread id", but releasing one's own stack while
// frames are live on it is what lets another thread share it.
// Not caused by d590d5b/355dc3d (the supervisor has always allowed it);
// found while reviewing them.
//
// Seen in the guest (LLVM 19): "released vault stack (0, 0): 0 (ok)",
// "main, back in the vault: 1024 bytes of its locals are 'A'", ATTACK
// SUCCEEDED, then SIGSEGV at 0x2 in the default domain, 3 of 3; the
// control run (no release) keeps them and reaches its end, 3 of 3.
//
// Suggested fix: the supervisor releases a stack only when nothing is live
// on it: its mark (the header word on the compartment's key, which only
// the compartment writes) is the fresh top, read through /proc/<pid>/mem;
// the runtime's exit-time release keeps (does not release) a stack whose
// mark is not (as it keeps the one exit runs on). Or: no release request
// at all, the supervisor freeing a dead thread's stacks itself.
// Fixed (supervisor.c owner_request, frames_live): a release is refused
// (EBUSY) while the stack's mark is neither its fresh top nor unwritten;
// the runtime's own exit-time release then keeps the stack for the
// thread id (stacks.c release). Before, ATTACK SUCCEEDED 3 of 3; after,
// the release is refused and the second thread takes another stack.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 -pthread %s -o %t
// RUN: %run %t control | FileCheck %s --check-prefix=CONTROL
// RUN: %run %t | FileCheck %s
// CONTROL: main, back in the vault: 0 bytes of its locals are 'A'
// CONTROL: attacks-rev60b-release-live-stack: end
// CHECK: released vault stack ({{[0-9]+}}, {{[0-9]+}}): -1 (Device or resource busy)
// CHECK: stacks released: 0
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: main, back in the vault: 0 bytes of its locals are 'A'
// CHECK: attacks-rev60b-release-live-stack: end
#include "Inputs/check.h"
#include "Inputs/vault-hold.h"
#include "Inputs/stack-owners.h"
#include <errno.h>
#include <pthread.h>
#include <sys/syscall.h>

static int attack;
static pthread_barrier_t outside, scribbled;


/* The attacker's code in the default domain, between the main thread's
 * vault frames and their return. */
__attribute__((noinline)) void wait_outside(void) {
  if (attack)
    printf("stacks released: %d\n", /* 0: the supervisor refused */
           release_own_stacks());
  pthread_barrier_wait(&outside);
  pthread_barrier_wait(&scribbled);
}

static void *second_thread(void *unused) {
  (void)unused;
  pthread_barrier_wait(&outside);
  vault_scribble('A'); /* its first vault entry */
  puts("second thread: ran vault code");
  pthread_barrier_wait(&scribbled);
  return NULL;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  attack = !(argc > 1 && !strcmp(argv[1], "control"));
  pthread_barrier_init(&outside, NULL, 2);
  pthread_barrier_init(&scribbled, NULL, 2);
  pthread_t t;
  CHECK(pthread_create(&t, NULL, second_thread, NULL) == 0);
  vault_hold();
  CHECK(pthread_join(t, NULL) == 0);
  puts("attacks-rev60b-release-live-stack: end");
  return 0;
}
