// Review 55 (issue 11's landing pads), attacker model B (control of the
// default domain's program counter). A throw with the vault's rights
// unwinds, with its rights, through a run-time-chosen call out of the vault
// (the any-trampoline, pass/Stacks.cpp finishAnyTrampolines): an
// uninstrumented library function running for the vault calls the
// program's callback through its wrapper, which finds the vault only at run
// time. That trampoline pushes the vault's callee-saved registers without
// CFI, so the unwinder takes them, for the vault frame below it, from the
// default domain's frames as they are: the vault's catch runs with
// callee-saved registers the default domain chose.
// How: vault_run(status) calls lib_apply(cb) in a try; lib_apply (a stub in
// top-level assembly, code the pass never saw: shared) tail-jumps to cb,
// the program's pointer, a wrapper of a default-domain function entered
// with the vault's rights: the any-trampoline into the default domain. The
// program's callback (attacker code) puts the address of the vault's key
// in rbx, rbp, r12-r15 without saving them and calls vault_throw (an entry)
// with the code "POWNED!". The unwinder walks vault_throw, the entry
// trampoline (which does not touch callee-saved registers), the callback
// (no rule for them), the any-trampoline (no rule), to vault_run's pad: at
// -O2 the catch keeps the status pointer in a callee-saved register and
// stores the code through it, with the vault's rights, into vault_key. The
// saved stack pointer is left alone (the pad's stack check passes). The
// control does the same without touching the registers: it shows the
// same gap without an attacker, as the pad runs with the zeros the
// any-trampoline put in the callee-saved registers before the call (seen:
// "SIGSEGV (address not mapped) at address 0x0 in compartment 'vault'", the
// status pointer in rbx is 0): any catch across such a call in a frame
// that keeps a value in a callee-saved register is broken.
// Seen in the guest (LLVM 19, -O2): ATTACK SUCCEEDED, 3 of 3; the control
// crashed 3 of 3 as said (the attack's RUN line comes first: it fails
// there).
// Suggested fix: the any-trampoline's CFI says where the vault's
// callee-saved registers are (DW_CFA_expression relative to the saved
// stack pointer, as its CFA), and its CFA expression is marked and checked
// like a static trampoline's (the record's cookie, BH_RECORD_COOKIE), so
// the unwinder restores them from the vault's own stack; or the pad's gate
// does not trust them.
// Fixed (issue 11, review 55): the any-trampoline's CFI places the
// callee-saved registers it pushed on the vault's stack relative to its
// CFA (as a static trampoline's does), and its CFA expression is marked as
// a record's (abi.h, BH_CFA_SAVED_SP_MARK twice), which the runtime's copy
// of its FDE (runtime/unwind-copy.c, put_checked_cfa) checks as the way
// back does (saved pointer in the vault's arena, at a record holding the
// vault's index and cookie): the unwinder restores the vault's own
// registers, so the catch stores the code through the real status pointer.
// Seen in the guest (LLVM 19, -O2) after: "vault key intact", 3 of 3; the
// control catches with the right status pointer (its CONTROL lines: the
// status written through the register the catch keeps it in).
// REQUIRES: pku
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 %s -o %t
// RUN: %run %t > %t.out 2>&1 || true; FileCheck %s < %t.out
// RUN: %run %t control | FileCheck %s --check-prefix=CONTROL
// CONTROL: request failed: 1, status 0x2144454e574f50
// CONTROL-NOT: SIGSEGV
// CONTROL: vault key intact
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: request failed: 1, status 0x2144454e574f50
// CHECK-NEXT: vault key intact
#include "Inputs/vault-key.h"
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* The request's error code goes to the caller's status word. */
extern "C" BULKHEAD_ENTRY(vault) int vault_run(void (*cb)(void),
                                                long *status) {
  try {
    lib_apply(cb);
  } catch (E &e) {
    *status = e.v;
    return 1;
  }
  return 0;
}

static uintptr_t chosen; /* 0: the control */

/* The program's callback: fails the request. */
extern "C" __attribute__((noinline)) void app_callback(void) {
  if (chosen) /* unknown to the compiler: attacker code */
    __asm__ volatile("movq %0, %%rbx\n\tmovq %0, %%rbp\n\tmovq %0, %%r12\n\t"
                     "movq %0, %%r13\n\tmovq %0, %%r14\n\tmovq %0, %%r15"
                     ::"r"(chosen));
  vault_throw(POWNED);
}

int main(int argc, char **argv) {
  (void)argv;
  setvbuf(stdout, NULL, _IONBF, 0);
  if (argc < 2)
    __asm__("leaq vault_key(%%rip), %0" : "=r"(chosen));
  long status = 0;
  int failed = vault_run(app_callback, &status);
  report(failed, status);
  return 0;
}
