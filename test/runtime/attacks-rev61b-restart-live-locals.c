// Review 61b, attacker model A (one key-0 store into TLS; shown with
// model B's calls): a thread's own vault entry runs over the vault frames
// it has live, and the vault then resumes those frames with the
// attacker's bytes in its locals. threat-model.md's stack-slot row allows
// a slot to "restart its own stack over live frames (their ways back then
// stop the process)": the way back that stops the process is only the
// outermost entry's; the way back of a call out below the restarted entry
// is intact, so the vault goes on running its own code on changed data
// first.
//
// How: the main thread enters vault_hold, which fills 4 KiB of locals and
// calls out to wait_outside (default-domain code). There the attacker
// points the thread's vault slot (key-0 TLS) at the stack's fresh top,
// which the entry trampoline accepts, restarting the mark (design.md,
// "Marks"), and calls vault_scribble, which writes 1 KiB of the
// attacker's byte in its own locals: on vault_hold's. The call out's
// record (its cookie, below vault_hold's locals) is intact, so
// wait_outside's return goes back into vault_hold, which counts the
// bytes. Any vault code that keeps pointers or decisions in locals across
// a call out (a callback, a log hook, an allocator hook) then acts with
// the vault's rights on what the attacker wrote. The run is in a child:
// vault_hold's own way back meets vault_scribble's entry frame and traps
// (an alarm ends the child should it hang instead).
//
// The control (argument "control") makes the same call without the store:
// the entry continues at the mark, below vault_hold's frames, which keep
// their bytes.
//
// Seen in the guest (LLVM 19): "main, back in the vault: 1024 bytes of
// its locals are 'A'", ATTACK SUCCEEDED, then the child's SIGILL (the
// outermost way back), 3 of 3; control: 0 bytes, "child: exit 0", 3 of 3.
//
// Suggested fix: an entry that restarts the mark (its slot at the fresh
// top, the mark it found neither the fresh top nor 0) first voids every
// cookie (marked and plain) between that mark and the fresh top, as
// bh_stack_void_records does below a catch: frames left there are then
// never resumed (a call out's way back meets no cookie and traps), which
// is what the row claims; honest code restarts only over dead frames.
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
// CONTROL: main, back in the vault: 0 bytes of its locals are 'A'
// CONTROL: child: exit 0
// CONTROL: attacks-rev61b-restart-live-locals: end
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: attacks-rev61b-restart-live-locals: end
#include "Inputs/check.h"
#include "Inputs/vault-scribble.h"
#include "Inputs/tls-words.h"
#include <sys/wait.h>

static int restart = 1;
static uintptr_t *vault_slot, fresh_top;

void wait_outside(void);
BULKHEAD_ENTRY(vault) int vault_noop(int x) { return x + 1; }
BULKHEAD_ENTRY(vault) int vault_hold(void) {
  volatile char buf[4096];
  for (int k = 0; k < 4096; k++)
    buf[k] = 'v';
  wait_outside(); /* a call out: these frames stay live */
  int changed = 0;
  for (int k = 0; k < 4096; k++)
    changed += buf[k] == 'A';
  printf("main, back in the vault: %d bytes of its locals are 'A'\n", changed);
  if (changed)
    puts("ATTACK SUCCEEDED: the thread's own vault entry from a restarted "
         "mark wrote the attacker's bytes into its live vault frame, "
         "which the vault then resumed");
  return changed;
}
/* The attacker's code in the default domain, between the main thread's
 * vault frames and their return. */
__attribute__((noinline)) void wait_outside(void) {
  uintptr_t kept = *vault_slot;
  if (restart)
    *vault_slot = fresh_top; /* the store */
  vault_scribble('A');
  *vault_slot = kept;
}

/* The scenario, in a child (run_scene_in_child). */
static int scenario(void) {
  alarm(20);
  vault_slot = tls_word("__bulkhead_stack.vault");
  vault_noop(0); /* the thread's vault stack */
  fresh_top = *vault_slot; /* nothing of the vault live: its fresh top */
  vault_hold();
  puts("child: back out of the vault");
  return 0;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  restart = !(argc > 1 && !strcmp(argv[1], "control"));
  run_scene_in_child(scenario);
  puts("attacks-rev61b-restart-live-locals: end");
  return 0;
}
