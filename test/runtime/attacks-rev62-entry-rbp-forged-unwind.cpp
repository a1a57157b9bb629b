// Review 62, attacker model B (control of the default domain's program
// counter): review 59's forged unwind (attacks-rev59b-entry-sp-forged-
// unwind.cpp) without the jump: an honest call of the vault's entry, from
// a frame whose CFA is %rbp-based, with %rbp of the attacker's choice.
// What: a compartment's own unwinder, with its rights, takes the vault's
// exception to a landing pad of the vault chosen by the default domain,
// with the default domain's callee-saved registers. Review 59's fix
// (refuseOwnStack: the entry traps when the caller's rsp lies in the
// callee's arena) checks rsp only; the walk past the entry trampoline
// goes on into default-domain frames with the vault's rights, and an
// %rbp-based CFA there is the attacker's rbp + 16, anywhere.
// How: vault_process calls out to the application (app_event) inside a
// try. app_event reads the vault's stack pointer its call out saved on
// the default domain's stack (key 0), so it knows A, the vault-stack
// address of the return address into vault_process (as review 59). It
// calls (on its own key-0 stack: the check passes) vault_throw from
// rbp_call, whose CFI says CFA = rbp + 16 at the call, with rbp = A - 8
// and rbx = the vault's key. The unwinder (the vault's rights) goes from
// the entry trampoline (CFA = rbp_call's rsp + 8, honest) to rbp_call's
// frame, whose CFA is A + 8, return address [A]: vault_process's live
// frame, whose catch it finds. rbx passes through unchanged ("same
// value"). The pad's check (rights held, rsp = A + 8 in the arena)
// passes; the catch stores e.v through rbx: "POWNED!" into vault_key.
// The same criterion decides a helper original's pad now
// (attacks-rev62-any-helper-rbp-unwind.cpp).
// Control: the same call with rbp_call's honest rbp: the exception comes
// out through app_event and the call out into vault_process's own catch
// ("returned 1, status 7"), scratch and the key untouched.
// Seen in the guest (LLVM 19, -O2, filter on) on main at fb0ec3a: plain
// "returned 0, status 5"; control "returned 1, status 7, scratch 0" and
// "vault key intact"; attack (a forked child) "ATTACK SUCCEEDED: the
// vault's key now begins \"POWNED!\"", "attack child: exited 0", 3 of 3.
// Suggested fix: a walk with a compartment's rights must not come back
// into its arena once it left it, except through a call out's checked
// CFA (runtime/unwind-copy.c could give each copied FDE's CFA a check:
// a CFA in the arena while the frame's rsp, the callee's CFA, is outside
// it reads BH_UNWIND_STOP); or an exception leaving a compartment through
// an entry trampoline is handed over there and goes on with the caller's
// rights, which cannot read the compartment's stack.
// Fixed (runtime/unwind-copy.c, put_rule_checked): the runtime's copy of
// every FDE the unwinder gets with a compartment's rights is cut at the
// row of the pc looked up, whose CFA rule it sets as an expression that
// reads BH_UNWIND_STOP_REENTRY (the program stops with one line) when the
// CFA lies in the compartment's arena and the frame's stack pointer does
// not: a walk comes back into the arena only through a call out's checked
// CFA. Seen after: the stop line, 3 of 3 in the guest.
// REQUIRES: pku
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 %s -o %t
// RUN: %run %t plain | FileCheck %s --check-prefix=PLAIN
// RUN: %run %t control | FileCheck %s --check-prefix=CONTROL
// RUN: %run %t > %t.out 2> %t.err
// RUN: FileCheck %s < %t.out
// RUN: FileCheck %s --check-prefix=STOP < %t.err
// PLAIN: vault_process returned 0, status 5
// PLAIN: vault key intact
// CONTROL: vault_process returned 1, status 7, scratch 0
// CONTROL: vault key intact
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: attack child: signal 11
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: vault_process returned 0, status 5
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: vault key intact
// STOP: bulkhead: the unwinder stopped in compartment 'vault' at a frame outside the compartment's stacks whose CFA lies in them
#include "Inputs/vault-key.h"
#include "Inputs/forged-unwind.h"
#include <stdint.h>
#include <sys/wait.h>
#include <unistd.h>

static long scratch; /* stays 0 */

/* An ordinary call of f(code) from a frame whose CFA is rbp + 16, with
 * rbp = fp (the forged frame pointer) and rbx = to. The call is made on
 * this (the default domain's) stack. fp 0: the honest frame pointer. */
extern "C" void rbp_call(uintptr_t fp, long *to, long code, uintptr_t f);
__asm__(".text\n.globl rbp_call\n.type rbp_call,@function\n"
        "rbp_call:\n"
        "  .cfi_startproc\n"
        "  pushq %rbp\n"
        "  .cfi_def_cfa_offset 16\n"
        "  .cfi_offset %rbp, -16\n"
        "  movq %rsp, %rbp\n"
        "  .cfi_def_cfa_register %rbp\n"
        "  pushq %rbx\n"
        "  pushq %rbx\n"
        "  movq %rsi, %rbx\n"
        "  testq %rdi, %rdi\n"
        "  cmovneq %rdi, %rbp\n"
        "  movq %rdx, %rdi\n"
        "  callq *%rcx\n"
        "  ud2\n"
        "  .cfi_endproc\n"
        ".size rbp_call, .-rbp_call\n");

extern "C" __attribute__((noinline)) void app_event(long *status) {
  *status = 5;
  if (mode == 2)
    return;
  /* the return address into vault_process, on the vault's stack */
  uintptr_t a = vault_process_ra((char *)__builtin_frame_address(0));
  uintptr_t t;
  __asm__("leaq vault_throw(%%rip), %0" : "=r"(t));
  if (mode == 1) {
    /* The same call with the honest frame pointer: the vault's exception
     * comes out through this stack and the call out into vault_process's
     * own catch. */
    rbp_call(0, &scratch, 7, t);
    return;
  }
  pid_t pid = fork();
  if (pid == 0) {
    rbp_call(a - 8, (long *)vault_key, POWNED, t);
    _exit(3);
  }
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
