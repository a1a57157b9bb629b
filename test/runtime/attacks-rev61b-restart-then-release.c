// Review 61b, attacker model B (the default domain's program counter):
// a thread gets the supervisor to release the vault stack its own live
// vault frames are on, although a90ae6f refuses a release while the
// stack's mark shows live frames: the thread first makes the mark read
// the fresh top again, and another thread's first vault entry then
// claims the stack and runs from its fresh top over those frames
// (attacks-rev60b-release-live-stack.c's effect, one step more).
//
// How: the main thread enters vault_hold, which fills 4 KiB of locals and
// calls out to wait_outside (the attacker's default-domain code). There
// the attacker points the main thread's vault slot (key-0 TLS) at the
// stack's fresh top, which the entry trampoline accepts and where it
// restarts the mark (design.md, "Marks"), and calls vault_noop: that
// entry keeps the restarted mark (the fresh top) as the old mark in its
// frame and puts it back on return. The mark now reads the fresh top
// while vault_hold's frames are live; the attacker puts its slot back and
// asks for BH_OWNER_RELEASE: supervisor.c frames_live sees a fresh mark
// and the release is granted. The second thread's first vault entry finds
// the stack free, claims it and vault_scribble writes 1 KiB of the
// attacker's byte into vault_hold's live locals.
//
// The control (argument "control") makes the same release without the
// nested entry: refused (EBUSY), and the locals are kept. Without the
// release (tried by hand), the nested vault_noop alone leaves the locals
// as they were: the bytes are the second thread's. The scenario runs in
// a child (the main thread's way back out of the vault meets the second
// thread's entry frame and faults, or hangs until the child's alarm).
//
// Seen in the guest (LLVM 19): "released vault stack (0, 0): 0 (ok)",
// "main, back in the vault: 1024 bytes of its locals are 'A'", ATTACK
// SUCCEEDED, then the child's SIGSEGV, 3 of 3; control: "-1 (Device or
// resource busy)", 0 bytes, "child: exit 0", 3 of 3.
//
// Root cause: the mark is not proof that nothing is live: a slot any
// store can point at the fresh top restarts it, and the frame of that
// entry keeps the restarted value as the one to put back. The restart
// alone already lets the thread's own nested entry write over its live
// frames, which the vault then resumes (attacks-rev61b-restart-live-
// locals.c); what the release adds is a second thread that holds the
// stack by the owner table and runs on it concurrently.
// Suggested fix: an entry that restarts the mark voids every cookie
// between the mark it found and the fresh top (as bh_stack_void_records
// does below a catch), so frames left live there can never be resumed
// (their ways back trap), whatever a later release allows; or no release
// request from a live thread at all, the supervisor freeing a stack once
// its holder's thread has ended (thread-id reuse then needs the claim to
// name the thread, e.g. its start time).
// Fixed (pass/AsmEmitter.cpp loadStackTop; runtime/stacks.c
// bh_stack_left): a slot at a stack's fresh top restarts the mark only if
// no word between the mark and the top holds the compartment's cookie
// (a call out still to be returned to); otherwise the entry continues at
// the mark. A longjmp with a compartment's rights out of its outermost
// entry voids its stack's records, so honest restarts still happen.
// Before, ATTACK SUCCEEDED 3 of 3; after, the test passes 3 of 3.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 -pthread %s -o %t
// RUN: %run %t control | FileCheck %s --check-prefix=CONTROL
// RUN: %run %t | FileCheck %s
// CONTROL: released vault stack ({{[0-9]+}}, {{[0-9]+}}): -1 (Device or resource busy)
// CONTROL: main, back in the vault: 0 bytes of its locals are 'A'
// CONTROL: child: exit 0
// CONTROL: attacks-rev61b-restart-then-release: end
// CHECK: released vault stack ({{[0-9]+}}, {{[0-9]+}}): -1 (Device or resource busy)
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: main, back in the vault: 0 bytes of its locals are 'A'
// CHECK: attacks-rev61b-restart-then-release: end
#include "Inputs/check.h"
#include "Inputs/stack-owners.h"
#include "Inputs/vault-hold.h"
#include "Inputs/tls-words.h"
#include <errno.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <sys/wait.h>

static int restart = 1;
static uintptr_t *vault_slot, fresh_top;
static pthread_barrier_t outside, scribbled;

BULKHEAD_ENTRY(vault) int vault_noop(int x) { return x + 1; }

/* The attacker's code in the default domain, between the main thread's
 * vault frames and their return. */
__attribute__((noinline)) void wait_outside(void) {
  if (restart) { /* the mark back at the fresh top, the frames live */
    uintptr_t kept = *vault_slot;
    *vault_slot = fresh_top;
    vault_noop(1);
    *vault_slot = kept;
  }
  release_own_stacks();
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

/* The scenario, in a child: the main thread's way back out of the vault
 * meets the other entry's frame and may fault or hang. */
static int scenario(void) {
  alarm(20);
  vault_slot = tls_word("__bulkhead_stack.vault");
  vault_noop(0); /* the main thread's vault stack */
  fresh_top = *vault_slot; /* nothing of the vault live: its fresh top */
  pthread_barrier_init(&outside, NULL, 2);
  pthread_barrier_init(&scribbled, NULL, 2);
  pthread_t t;
  CHECK(pthread_create(&t, NULL, second_thread, NULL) == 0);
  vault_hold();
  CHECK(pthread_join(t, NULL) == 0);
  puts("child: the main thread is back out of the vault");
  return 0;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  if (argc > 1 && !strcmp(argv[1], "control"))
    restart = 0;
  run_scene_in_child(scenario);
  puts("attacks-rev61b-restart-then-release: end");
  return 0;
}
