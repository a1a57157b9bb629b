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
#include <bulkhead.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

BULKHEAD_DATA(vault) int vault_unlocked;
BULKHEAD_DATA(vault) int vault_logged;

/* An uninstrumented library's function that calls a pointer it is given
 * (a tail call: no frame of its own). */
void lib_apply(void (*f)(void));
__asm__(".text\n.globl lib_apply\n.type lib_apply,@function\nlib_apply:\n"
        "\tjmp *%rdi\n.size lib_apply, .-lib_apply\n");

void app_check(void);
void app_log(void);
/* The callbacks, as the vault gets them: not known at compile time. */
static void (*volatile check_cb)(void) = app_check;
static void (*volatile log_cb)(void) = app_log;

/* Deep on the vault's stack: unlocks only if the program's check
 * returns. */
BULKHEAD_INTERNAL(vault) __attribute__((noinline)) void vault_authorize(void) {
  volatile long pad[4096];
  for (int i = 0; i < 4096; i += 64)
    pad[i] = i;
  lib_apply(check_cb);
  vault_unlocked = 1;
  (void)pad[64];
}

BULKHEAD_ENTRY(vault) void vault_open(void) { vault_authorize(); }

BULKHEAD_ENTRY(vault) int vault_run(void) {
  lib_apply(log_cb);
  vault_logged = 1;
  return 7;
}

static volatile int vault_other_in; /* key 0 */

BULKHEAD_ENTRY(vault) int vault_state(int which) {
  if (which == 0 && !vault_other_in)
    vault_other_in = 1;
  return which == 0 ? vault_unlocked : vault_logged;
}

static int armed;
static uintptr_t stale;
static jmp_buf denied;

/* The any-trampoline's frame on main's stack, above the callback's
 * (abi.h): the vault's saved stack pointer (BH_FRAME_FROM_SP: in its
 * arena, at the record, 16-aligned) just above the caller's index
 * (BH_FRAME_FROM_OLD_SLOT: the vault's, 0). */
static __attribute__((noinline)) volatile uintptr_t *saved_sp(void) {
  uintptr_t desc;
  __asm__("leaq __bulkhead_domain.vault(%%rip), %0" : "=r"(desc));
  uintptr_t lo = *(uintptr_t *)(desc + 40), hi = *(uintptr_t *)(desc + 48);
  volatile uintptr_t *w = (volatile uintptr_t *)__builtin_frame_address(0);
  for (int i = 1; i < 512; i++)
    if (w[i] > lo && w[i] <= hi && w[i] % 16 == 0 && w[i - 1] == 0)
      return &w[i];
  return NULL;
}

/* The program's check: denies by a longjmp of its own (the default
 * domain's rights) back to main, past the vault's whole entry. */
__attribute__((noinline)) void app_check(void) {
  volatile uintptr_t *s = saved_sp();
  printf("check: saved stack pointer %s\n", s ? "found" : "not found");
  if (s)
    stale = *s;
  longjmp(denied, 1);
}

/* The program's logger. The attack points its call out's saved stack
 * pointer at the check's dead record first. */
__attribute__((noinline)) void app_log(void) {
  volatile uintptr_t *s = saved_sp();
  printf("log: saved stack pointer %s\n", s ? "found" : "not found");
  if (s && stale && armed)
    *s = stale;
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
  if (setjmp(denied) == 0)
    vault_open();
  else
    puts("child: the check denied");
  int r = vault_run();
  printf("vault_run: %d\n", r);
  int unlocked = vault_state(0), logged = vault_state(1);
  printf("unlocked %d, logged %d\n", unlocked, logged);
  if (unlocked)
    printf("ATTACK SUCCEEDED: the vault unlocked though its check denied\n");
  else
    printf("vault stays locked\n");
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
