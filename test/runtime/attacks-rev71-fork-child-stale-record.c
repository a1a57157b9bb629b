// Attacker model A (one key-0 store; done here by the program's own
// callback, a second thread could do the same), in a forked child. Review
// 71 (of 63dd118; not new with it).
//
// After fork the child's one thread holds, in the owner table, every
// stack the parent's threads held (stacks.c adopt_after_fork), and the
// stacks not its own start over (abandon_gone_threads_stacks). The
// runtime finds "this thread's stack of a compartment" as the first stack
// the table gives to its id (stacks.c bh_stack_ring_mine): in the child
// that may be another parent thread's old stack, not the one its frames
// are on. So the voiding of a longjmp made with the default domain's
// rights (signals.c void_skipped, stacks.c void_entered) looks at that
// other stack, and the dead call out's record on the thread's own stack
// keeps its cookie: review 63b's attack (attacks-rev63b-default-longjmp-
// stale-record.c, its header says the rest) works again in the child.
//
// How: a second thread enters the vault first (the vault's first stack)
// and stays; the main thread enters it (the second stack) and forks; the
// child runs review 63b's scenario: vault_open's check denies by a
// longjmp to the child's setjmp, and vault_run's logger moves its call
// out's saved stack pointer to the check's dead record. Control: the
// pointer is left alone. "alone": the second thread stays out of the
// vault, so the child holds only its own stack, and the same store traps
// (the voiding found the record).
//
// Seen in the guest on main at 63dd118 (LLVM 19, -O2): "unlocked 1,
// logged 0", ATTACK SUCCEEDED (child: exit 0), 3 of 3; control: "unlocked
// 0, logged 1"; "alone": child: signal 4.
// Fixed: the child gives back (releases) the stacks it started over
// (stacks.c abandon_gone_threads_stacks), so that the owner table gives it
// only its own; the attack's way back traps (child: signal 4), 3 of 3.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 -pthread %s -o %t
// RUN: %run %t control | FileCheck %s --check-prefix=CONTROL
// RUN: %run %t alone | FileCheck %s
// RUN: %run %t | FileCheck %s
// CONTROL: check: saved stack pointer found
// CONTROL: log: saved stack pointer found
// CONTROL: unlocked 0, logged 1
// CONTROL: vault stays locked
// CONTROL: child: exit 0
// CONTROL: attacks-rev71-fork-child-stale-record: end
// CHECK: check: saved stack pointer found
// CHECK: log: saved stack pointer found
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: child: signal 4
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: attacks-rev71-fork-child-stale-record: end
#include "Inputs/check.h"
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>
#include "Inputs/longjmp-stale-record.h"

static volatile int vault_other_in; /* key 0 */

BULKHEAD_ENTRY(vault) int vault_state(int which) {
  if (which == 0 && !vault_other_in)
    vault_other_in = 1;
  return which == 0 ? vault_unlocked : vault_logged;
}

static int hold[2], alone;

/* Holds the vault's first stack until the parent is done (unless alone). */
static void *other(void *unused) {
  (void)unused;
  if (alone)
    vault_other_in = 1;
  else
    vault_state(0);
  char c;
  (void)!read(hold[0], &c, 1);
  return NULL;
}

static int child(void) {
  stale_record_scene("child");
  return 0;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  armed = argc < 2 || strcmp(argv[1], "control");
  alone = argc > 1 && !strcmp(argv[1], "alone");
  pthread_t t;
  if (pipe(hold) || pthread_create(&t, NULL, other, NULL))
    return 1;
  while (!vault_other_in)
    usleep(1000);
  vault_state(0); /* the main thread's stack: the vault's second */
  run_scene_in_child(child);
  (void)!write(hold[1], "x", 1);
  pthread_join(t, NULL);
  puts("attacks-rev71-fork-child-stale-record: end");
  return 0;
}
