// Review 59, attacker model B (control of the default domain's program
// counter): a compartment's own unwinder, with its rights, takes the
// vault's exception to a landing pad of the vault chosen by the default
// domain, with the default domain's callee-saved registers.
// How: vault_process calls out to the application (app_event) inside a
// try. app_event reads the vault's stack pointer that the call out's
// trampoline saved on the default domain's stack (key 0), so it knows A,
// the vault-stack address of the return address into vault_process. It
// then jumps (no call) to the entry trampoline of vault_throw with rsp = A
// and rbx = its choice. The entry trampoline keeps the caller's rsp as it
// finds it (no check that it is not in the vault's own arena), so its
// frame's CFA expression says "the caller's frame is at A + 8, its return
// address at A": the unwinder, run with the vault's rights for the
// vault's own throw, reads the genuine return address at A and continues
// into vault_process's live frame, whose catch it finds. Callee-saved
// registers pass through the entry trampoline unchanged ("same value"), so
// the catch gets the jumper's rbx, not vault_process's. The pad's new
// rights check (review 58b's fix) passes: the thread holds the vault's
// rights (the unwinder's) and rsp (A + 8) is in the vault's arena. The
// catch stores e.v (the jumper's code) through rbx, with the vault's
// rights: "POWNED!" into vault_key. vault_process then returns 1 through
// its real frame, to main, cleanly.
// Control (before the fix): the same jump with rbx = a key-0 word of
// main's (scratch): the vault's catch stored 7 there, the key untouched.
// Plain: app_event returns, vault_process returns 0.
// Seen in the guest (LLVM 19, -O2, filter on), on main + h-padgate: plain
// "returned 0, status 5", control "returned 1, status 5, scratch 0x7" and
// "vault key intact", attack "ATTACK SUCCEEDED: the vault's key now begins
// \"POWNED!\"", 3 of 3 (by hand and under lit).
// Same family as the pad jump (attacks-rev58b-pad-forged-exception.cpp)
// and the re-entry gates that trust registers, but no gate is jumped to:
// the way in is the legitimate entry trampoline, and the registers reach
// the pad through the unwinder. Review 55's fix gives the call out's kept
// registers CFA-relative rules; the entry's caller is not checked at all.
// Fixed as suggested: every trampoline into a compartment (an entry's,
// another compartment's call, the run-time-chosen one) traps right after
// its gate when the caller's rsp lies in that compartment's own arena
// (AsmEmitter.cpp, refuseOwnStack; test/pass/entry-trampoline-own-stack.ll).
// Honest callers are never there: the compartment's own calls of its
// entries reach the body (directly, through a thunk that finds the rights
// held, or a wrapper, which it reaches from the default stack), and
// callers elsewhere (the default domain, a callback from a call out,
// another compartment) run on other stacks.
// The jump is made in a forked child (the parent reports how it ended and
// reaches the end either way). Before the fix, the child printed
// "ATTACK SUCCEEDED: the vault's key now begins \"POWNED!\"" and "attack
// child: exited 0", 3 of 3 under lit; after it, "attack child: signal 4"
// (the trampoline's ud2), 3 of 3 in the guest. The control now calls the
// same trampoline from app_event (on the default stack, not a jump): the
// vault's exception comes out through it and the call out to
// vault_process's own catch, "returned 1, status 7".
// REQUIRES: pku
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 %s -o %t
// RUN: %run %t plain | FileCheck %s --check-prefix=PLAIN
// RUN: %run %t control | FileCheck %s --check-prefix=CONTROL
// RUN: %run %t | FileCheck %s
// PLAIN: vault_process returned 0, status 5
// PLAIN: vault key intact
// CONTROL: vault_process returned 1, status 7, scratch 0
// CONTROL: vault key intact
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: attack child: signal 4
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: vault_process returned 0, status 5
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: vault key intact
#include "Inputs/vault-key.h"
#include "Inputs/forged-unwind.h"
#include <stdint.h>
#include <sys/wait.h>
#include <unistd.h>

static long scratch; /* stays 0 */

/* rsp = a, rbx = to, rdi = code, then a jump (not a call) to t. */
extern "C" __attribute__((noreturn)) void forged_entry(uintptr_t a, long *to,
                                                       long code, uintptr_t t);
__asm__(".text\n.globl forged_entry\n.type forged_entry,@function\n"
        "forged_entry:\n"
        "  movq %rsi, %rbx\n"
        "  movq %rdi, %rsp\n"
        "  movq %rdx, %rdi\n"
        "  jmp *%rcx\n"
        ".size forged_entry, .-forged_entry\n");

/* The trampoline vault_throw's thunk calls when the caller holds other
 * rights than the vault's: "je +7; call tramp" after its RDPKRU check. */
static uintptr_t entry_trampoline(void) {
  const unsigned char *q;
  __asm__("leaq vault_throw(%%rip), %0" : "=r"(q));
  for (int i = 0; i < 64; i++)
    if (q[i] == 0x74 && q[i + 1] == 0x07 && q[i + 2] == 0xe8) {
      int32_t d;
      memcpy(&d, q + i + 3, 4);
      return (uintptr_t)(q + i + 7 + d);
    }
  return 0;
}

/* The application's handler of the vault's event: default-domain code,
 * reached through the vault's call out. */
extern "C" __attribute__((noinline)) void app_event(long *status) {
  *status = 5;
  if (mode == 2)
    return;
  /* the return address into vault_process, on the vault's stack */
  uintptr_t a = vault_process_ra((char *)__builtin_frame_address(0));
  uintptr_t t = entry_trampoline();
  if (!t) {
    printf("no trampoline found\n");
    return;
  }
  if (mode == 1) {
    /* A call, from this (the default) stack: the honest way in. */
    ((void (*)(long))t)(7);
    return;
  }
  pid_t pid = fork();
  if (pid == 0)
    forged_entry(a, (long *)vault_key, POWNED, t);
  report_attack_child(pid);
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  read_mode(argc, argv);
  long status = 0;
  int r = vault_process(&status);
  printf("vault_process returned %d, status %ld, scratch %#lx\n", r, status,
         scratch);
  report(r, status);
  return 0;
}
