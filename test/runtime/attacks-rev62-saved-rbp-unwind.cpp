// Review 62, attacker model A (key-0 stores only; made here by the
// program's callback, hook, as a second thread could): two words on the
// default domain's stack steer the vault's own unwinder back into the
// vault's stack, into a live catch of the vault, with a register of the
// attacker's choice, and the catch writes the vault's key.
// What: the walk of a vault throw past its entry trampoline goes on into
// default-domain frames with the vault's rights, and reads their saved
// registers from the key-0 stack (threat-model.md, "what the trusted CFI
// reads is still key-0 memory"). With frame pointers (a common build
// default; here -fno-omit-frame-pointer), a caller's CFA is its saved rbp
// + 16: a rewritten saved rbp puts the next frame in the vault's arena,
// its return address read there. The catch it finds checks the rights
// and rsp in the arena (review 58b), which both hold.
// How: vault_process calls out to app_event in a try; app_event learns
// A, the vault-stack address of the return address into vault_process,
// from the call out's saved stack pointer on its own stack (key 0, as in
// review 59), and calls d2, which calls d1 (honest code: both with frame
// pointers, d1 keeps a pointer in rbx and saves the caller's rbx); d1
// calls the vault's entry vault_check, which throws E{42}. Before, hook
// stores A - 8 into d1's saved rbp and the vault's key address into d1's
// saved rbx. The unwinder (vault's rights): entry trampoline -> d1
// (honest CFA) -> d2 with rbp = A - 8 and rbx = &vault_key read from d1's
// slots -> d2's CFA = A + 8, its return address [A] -> vault_process's
// live frame and catch, with rbx = &vault_key; at -O2 the catch stores
// e.v through rbx (status): 42 into the vault's key. vault_process then
// returns 1 through its real frame.
// Control: no stores: the same throw comes out through d1, d2, app_event
// and the call out into the same catch with vault_process's own rbx:
// "returned 1, status 42", key intact.
// Seen in the guest (LLVM 19, -O2 -fno-omit-frame-pointer, filter on) on
// main at fb0ec3a + review 62's pass change: plain "returned 0, status
// 5"; control "returned 1, status 42", "vault key intact"; attack
// "returned 1, status 5", "ATTACK SUCCEEDED: the vault's key was
// overwritten", 3 of 3. The same walk can reach a helper original's pad
// (attacks-rev62-any-helper-rbp-unwind.cpp, by model B).
// Suggested fix: as attacks-rev62-entry-rbp-forged-unwind.cpp: a walk with
// a compartment's rights must not come back into its arena once it left
// it, except through a call out's checked CFA, or an exception leaving
// through an entry trampoline goes on with the caller's rights.
// Fixed (runtime/unwind-copy.c, put_rule_checked): the runtime's copy of
// every FDE the unwinder gets with a compartment's rights is cut at the
// row of the pc looked up, whose CFA rule it sets as an expression that
// reads BH_UNWIND_STOP_REENTRY (the program stops with one line) when the
// CFA lies in the compartment's arena and the frame's stack pointer does
// not: a walk comes back into the arena only through a call out's checked
// CFA. Seen after: the stop line, 3 of 3 in the guest.
// REQUIRES: pku
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 -fno-omit-frame-pointer %s -o %t
// RUN: %run %t plain | FileCheck %s --check-prefix=PLAIN
// RUN: %run %t control | FileCheck %s --check-prefix=CONTROL
// RUN: not %run %t > %t.out 2>&1
// RUN: FileCheck %s < %t.out
// PLAIN: vault_process returned 0, status 5
// PLAIN: vault key intact
// CONTROL: vault_process returned 1, status 42
// CONTROL: vault key intact
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: bulkhead: the unwinder stopped in compartment 'vault' at a frame outside the compartment's stacks whose CFA lies in them
// CHECK-NOT: ATTACK SUCCEEDED
#include "Inputs/vault-key.h"
#include "Inputs/forged-unwind.h"
#include <stdint.h>

/* Throws unless told not to (so callers' code after it stays). */
extern "C" BULKHEAD_ENTRY(vault) void vault_check(long code, int ok) {
  if (!ok)
    throw E{code};
}
static volatile int ok; /* 0 */

static uintptr_t a;    /* the return address into vault_process: vault stack */
static char *d1_fp;    /* d1's frame pointer: key-0 stack */
long sink; /* key 0, external: the store stays */

/* The attacker's stores (a second thread could make them): d1's saved
 * rbp and rbx on the default domain's stack. */
static __attribute__((noinline)) void hook(void) {
  if (mode != 0)
    return;
  *(uintptr_t *)d1_fp = a - 8;                 /* saved rbp */
  *(uintptr_t *)(d1_fp - 8) = (uintptr_t)vault_key; /* saved rbx */
}

/* Honest default-domain code with frame pointers: d1 keeps s in rbx. */
extern "C" __attribute__((noinline)) void d1(long *s) {
  long *keep = s;
  d1_fp = (char *)__builtin_frame_address(0);
  hook();
  vault_check(42, ok);
  sink = *keep;
}

extern "C" __attribute__((noinline)) void d2(long *s) {
  d1(s);
  __asm__ volatile("");
}

extern "C" __attribute__((noinline)) void app_event(long *status) {
  *status = 5;
  if (mode == 2)
    return;
  a = vault_process_ra((char *)__builtin_frame_address(0));
  d2(status);
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  read_mode(argc, argv);
  long status = 0;
  int r = vault_process(&status);
  printf("vault_process returned %d, status %ld\n", r, status);
  report(r, status);
  return 0;
}
