// Review 63b, attacker model A (one key-0 store; done here by the
// program's own callback, a second thread could do the same; model B
// includes it): a longjmp made with the vault's rights to a target off its
// stack voids nothing unless it leaves the vault's outermost entry
// (b5f0569, runtime/stacks.c bh_stack_left; signals.c void_left). One out
// of a *nested* entry, to a setjmp in default code that an outer call out
// of the vault runs, leaves the records of the call outs it skips (nested
// in that entry) on the vault's stack, cookies intact: review 55's stale
// cookie (attacks-rev55-stale-cookie.cpp) by this kind of longjmp.
//
// How: vault_run (an entry) calls out to app_step, which setjmps and calls
// vault_open (a nested entry); vault_authorize calls out to the program's
// check, which notes its call out's saved stack pointer (key-0, on the
// default stack) and denies through vault_deny, an entry that reports by
// longjmp to the caller's buffer (app_step's). bh_stack_left sees that the
// jump does not skip vault_run's caller and voids nothing; app_step
// returns, vault_run calls out to the logger, which writes the check's
// dead saved pointer into its own call out's. The way back finds the dead
// record's marked cookie and returns into vault_authorize after the
// denied check, which prints ATTACK SUCCEEDED (with the vault's rights);
// the child then dies on the dead frames' way back (run in a child).
// The control leaves the pointer alone.
//
// Seen in the guest (LLVM 19, -O2): ATTACK SUCCEEDED, then the child's
// SIGILL, 3 of 3; control: "vault_run: unlocked 0", "child: exit 0", 3 of 3.
//
// Fixed (runtime/stacks.c bh_stack_left): a longjmp with the vault's
// rights off its stack voids the records of every entry whose caller's
// frame it skips (void_entered: entry frames above the mark whose saved
// caller's pointer lies below the target, on the target's stack), not
// only the outermost one's. After: the way back meets no cookie and traps
// (the child's SIGILL before anything runs after the check), the test
// passes 3 of 3 in the guest.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t control | FileCheck %s --check-prefix=CONTROL
// RUN: %run %t | FileCheck %s
// CONTROL: check: saved stack pointer found
// CONTROL: step: the check denied
// CONTROL: log: saved stack pointer found
// CONTROL: vault_run: unlocked 0
// CONTROL: child: exit 0
// CONTROL: attacks-rev63b-vault-longjmp-nested-stale: end
// CHECK: check: saved stack pointer found
// CHECK: step: the check denied
// CHECK: log: saved stack pointer found
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: attacks-rev63b-vault-longjmp-nested-stale: end
#include "Inputs/check.h"
#include <setjmp.h>
#include <sys/wait.h>

BULKHEAD_DATA(vault) int vault_unlocked;

void app_step(void);
void app_check(void);
void app_log(void);

/* The vault's error report: a longjmp to the caller's buffer. */
BULKHEAD_ENTRY(vault) void vault_deny(jmp_buf *env) { longjmp(*env, 1); }

BULKHEAD_INTERNAL(vault) __attribute__((noinline)) void vault_authorize(void) {
  volatile long pad[64];
  for (int i = 0; i < 64; i++)
    pad[i] = i;
  app_check();
  vault_unlocked = 1 + (int)pad[3] * 0;
  puts("ATTACK SUCCEEDED: the vault ran the code after its denied check");
}

BULKHEAD_ENTRY(vault) void vault_open(void) { vault_authorize(); }

BULKHEAD_ENTRY(vault) int vault_run(void) {
  app_step();
  app_log();
  return vault_unlocked;
}

static uintptr_t *volatile top;
static uintptr_t stale;
static int armed;
static jmp_buf jb;

static volatile uintptr_t *saved_sp(void) {
  uintptr_t desc;
  __asm__("leaq __bulkhead_domain.vault(%%rip), %0" : "=r"(desc));
  uintptr_t lo = *(uintptr_t *)(desc + 40), hi = *(uintptr_t *)(desc + 48);
  for (volatile uintptr_t *w = top - 4096; w < top; w++) {
    uintptr_t v = w[0], s = w[-1];
    if (v > lo && v <= hi && v % 16 == 8 && s > lo && s <= hi && s % 16 == 0)
      return w;
  }
  return NULL;
}

__attribute__((noinline)) void app_step(void) {
  if (setjmp(jb) == 0)
    vault_open();
  else
    puts("step: the check denied");
}

__attribute__((noinline)) void app_check(void) {
  volatile uintptr_t *w = saved_sp();
  printf("check: saved stack pointer %s\n", w ? "found" : "not found");
  if (w)
    stale = *w;
  vault_deny(&jb);
}

__attribute__((noinline)) void app_log(void) {
  volatile uintptr_t *w = saved_sp();
  printf("log: saved stack pointer %s\n", w ? "found" : "not found");
  if (w && stale && armed)
    *w = stale;
}

/* The scenario, in a child (run_scene_in_child). */
static int scenario(void) {
  alarm(10);
  uintptr_t here;
  top = &here;
  int u = vault_run();
  printf("vault_run: unlocked %d\n", u);
  return 0;
}

int main(int argc, char **argv) {
  (void)argv;
  setvbuf(stdout, NULL, _IONBF, 0);
  armed = argc < 2;
  run_scene_in_child(scenario);
  puts("attacks-rev63b-vault-longjmp-nested-stale: end");
  return 0;
}
