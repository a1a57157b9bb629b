// Review 63b, attacker model B (the default domain's program counter; the
// store itself is model A's): a slot pointed at a vault stack's fresh top
// still restarts the mark over live vault frames when the vault's call
// out is a run-time-chosen one (the any-trampoline, or bh_as_default),
// and the vault then resumes those frames with the attacker's bytes in
// its locals: attacks-rev61b-restart-live-locals.c through the other
// kind of call out.
//
// Why: b5f0569 restarts the mark only if no word between the mark and the
// fresh top holds the vault's cookie (plain or marked), on the ground that
// a call out still to be returned to leaves its record there. A static
// call out points the mark at its record, but a run-time-chosen call out
// (pass/Stacks.cpp finishAnyTrampolines, runtime/spawn.c bh_as_default)
// pushes its record {index, plain cookie, old slot} below the mark and
// leaves the mark where the entry put it (design.md: it "moves the slot
// but not the mark"). So during such a call out from the outermost entry
// the words between the mark and the top are the entry's frame only, the
// scan finds no cookie, and the entry restarts.
//
// How: the main thread enters vault_hold, which fills 4 KiB of locals and
// sorts two ints with libc's qsort (shared code, run with the vault's
// rights) and a comparator the default domain made (a pointer to
// default-domain code created there): qsort's call of it goes through the
// wrapper's any-trampoline into the default domain (design.md, step 6,
// "Called with a third compartment's rights"). In the comparator the
// attacker points the thread's vault slot (key-0 TLS) at the stack's fresh
// top and calls vault_scribble, which writes 1 KiB of the attacker's byte
// in its own locals: on vault_hold's. The any-trampoline's record (below
// vault_hold's locals) is intact, so the comparator's return goes back
// through __bulkhead_return_to_index into qsort and vault_hold, which
// counts the bytes. The run is in a child: vault_hold's own way back
// meets vault_scribble's entry frame and traps (an alarm ends the child
// should it hang instead). The same restart leaves the mark reading the
// fresh top when vault_scribble returns (it puts back the restarted mark),
// so supervisor.c frames_live would also grant a release of the stack
// with vault_hold live (attacks-rev61b-restart-then-release.c's step).
//
// The control (argument "control") makes the same call without the store:
// the entry continues at the mark, below vault_hold's frames, which keep
// their bytes.
//
// Seen in the guest (LLVM 19): "main, back in the vault: 1024 bytes of
// its locals are 'A'", ATTACK SUCCEEDED, then the child's SIGILL, 3 of 3;
// control: 0 bytes, "child: exit 0", 3 of 3.
//
// Suggested fix: a run-time-chosen call out moves the mark to its record
// too (the old mark kept in the record, put back by
// __bulkhead_return_to_index and by the unwinder's/longjmp's voiding as
// for a static call out), so that every live call out's cookie lies
// between the mark and the top; or the restart's scan also looks below the
// mark for a record {c, plain cookie} (bounded by nothing cheap).
// Fixed: the any-trampoline and bh_as_default point the mark at their
// record (abi.h, BH_RECORD_OLD_MARK; __bulkhead_return_to_index puts the
// old mark back), so the restart's scan finds the record's cookie.
// Seen after: 3 of 3 in the guest.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 -pthread %s -o %t
// RUN: %run %t control | FileCheck %s --check-prefix=CONTROL
// RUN: %run %t | FileCheck %s
// CONTROL: main, back in the vault: 0 bytes of its locals are 'A'
// CONTROL: child: exit 0
// CONTROL: attacks-rev63b-any-callout-restart: end
// CHECK: main, back in the vault: {{[0-9]+}} bytes of its locals are 'A'
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: attacks-rev63b-any-callout-restart: end
#include "Inputs/check.h"
#include "Inputs/vault-scribble.h"
#include "Inputs/tls-words.h"
#include <stdlib.h>
#include <sys/wait.h>

static int restart = 1;
static uintptr_t *vault_slot, fresh_top;

typedef int (*cmp_fn)(const void *, const void *);
BULKHEAD_ENTRY(vault) int vault_noop(int x) { return x + 1; }
BULKHEAD_ENTRY(vault) int vault_hold(cmp_fn cmp) {
  volatile char buf[4096];
  for (int k = 0; k < 4096; k++)
    buf[k] = 'v';
  int two[2] = {2, 1};
  qsort(two, 2, sizeof two[0], cmp); /* a run-time-chosen call out */
  int changed = 0;
  for (int k = 0; k < 4096; k++)
    changed += buf[k] == 'A';
  printf("main, back in the vault: %d bytes of its locals are 'A'\n", changed);
  if (changed)
    puts("ATTACK SUCCEEDED: the thread's own vault entry from a restarted "
         "mark wrote the attacker's bytes into its live vault frame "
         "(inside a run-time-chosen call out), which the vault then "
         "resumed");
  return changed;
}
/* The attacker's code in the default domain, between the main thread's
 * vault frames and their return. It reads nothing of a and b: they point
 * at the vault's stack. */
__attribute__((noinline)) static int outside_cmp(const void *a,
                                                 const void *b) {
  (void)a, (void)b;
  uintptr_t kept = *vault_slot;
  if (restart)
    *vault_slot = fresh_top; /* the store */
  vault_scribble('A');
  *vault_slot = kept;
  return 0;
}

/* The scenario, in a child (run_scene_in_child). */
static int scenario(void) {
  alarm(20);
  vault_slot = tls_word("__bulkhead_stack.vault");
  vault_noop(0); /* the thread's vault stack */
  fresh_top = *vault_slot; /* nothing of the vault live: its fresh top */
  vault_hold(outside_cmp);
  puts("child: back out of the vault");
  return 0;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  restart = !(argc > 1 && !strcmp(argv[1], "control"));
  run_scene_in_child(scenario);
  puts("attacks-rev63b-any-callout-restart: end");
  return 0;
}
