// Review 62, attacker model B (control of the default domain's program
// counter), on 22e0167's landing pads of helper originals a pointer may
// reach (CallGates.cpp, ByStack; AsmEmitter.cpp, jumpIfOwnActivation):
// "the vault's rights held and rsp in the vault's arena" is taken for the
// vault's own activation, and the pad does nothing. The vault's own
// unwinder, steered by a default-domain frame's %rbp, reaches such a pad
// in a live frame of the vault's stack with the attacker's callee-saved
// registers, and the catch runs with the vault's rights.
// How: the vault (vault_go) calls Guard::run, an inline virtual member,
// through the vtable: the original, on the vault's stack, with its rights.
// run calls step (an original too) in a try; step calls the vault's
// callback through an uninstrumented library (lib_apply), and the
// callback calls out to the application (app_event). step's return
// address into run lies on the vault's stack at a fixed offset from the
// call out's saved stack pointer (key 0, as in review 59); here step
// writes its address into a key-0 word so the test needs no offset.
// app_event calls vault_throw from rbp_call, whose CFI says CFA = rbp + 16
// at the call, with rbp = that address - 8 and every callee-saved
// register but rbp = the vault's key. The unwinder (vault's rights) goes
// from the entry trampoline to rbp_call's frame, CFA in the vault's arena,
// return address into run after its call of step: run's catch. Its pad
// decides "own activation" (rights and rsp both the vault's) and skips
// the hand-over and gate; the catch stores e.v through rbx (status, at
// -O2): "POWNED!" into vault_key. Root cause as
// attacks-rev62-entry-rbp-forged-unwind.cpp (the rsp test is the same for
// the vault's own pads); here it is the helper original's pad.
// Control: the same call with rbp_call's honest rbp: the exception comes
// out through app_event, the call out and the callback into run's catch,
// the vault's own activation: "returned 1, status 7", key untouched.
// Seen in the guest (LLVM 19, -O2, filter on) on main at fb0ec3a: plain
// "returned 0, status 5"; control "returned 1, status 7, scratch 0" and
// "vault key intact"; attack (a forked child) "ATTACK SUCCEEDED: the
// vault's key now begins \"POWNED!\"", "attack child: exited 0", 3 of 3.
// Suggested fix: as attacks-rev62-entry-rbp-forged-unwind.cpp (the walk
// must not re-enter the arena it left except through a checked call out);
// the pad's rsp test cannot tell a forged CFA from the compartment's own.
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
// PLAIN: vault_go returned 0, status 5
// PLAIN: vault key intact
// CONTROL: vault_go returned 1, status 7, scratch 0
// CONTROL: vault key intact
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: attack child: signal 11
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: vault_go returned 0, status 5
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: vault key intact
// STOP: bulkhead: the unwinder stopped in compartment 'vault' at a frame outside the compartment's stacks whose CFA lies in them
#include "Inputs/vault-key.h"
#include <stdint.h>
#include <sys/wait.h>
#include <unistd.h>

extern "C" void app_event(void);

/* The vault's callback: it reports an event to the application (a call
 * out). */
extern "C" BULKHEAD_ENTRY(vault) void vault_cb(void) { app_event(); }

/* Where step's return address into Guard::run lies on the vault's stack:
 * a constant offset from the call out's saved stack pointer in a given
 * build; written here by step (key-0) so the test needs no offset. */
static volatile uintptr_t ra_slot;

inline __attribute__((noinline)) void step(void) {
  ra_slot = (uintptr_t)__builtin_frame_address(0) + 8;
  lib_apply(vault_cb);
}

struct Guard {
  /* An inline virtual member: a shared helper whose original the vtable
   * holds (RunByAnyDomain), so are the originals it calls (step). At -O2
   * status stays in a callee-saved register across the call, and the
   * catch stores through it. */
  __attribute__((noinline)) virtual int run(long *status) {
    try {
      step();
    } catch (E &e) {
      *status = e.v;
      return 1;
    }
    return 0;
  }
};

/* The vault runs the original through the vtable, on its stack. */
extern "C" BULKHEAD_ENTRY(vault) int vault_go(Guard *g, long *status) {
  *status = 5;
  return g->run(status);
}

static int mode; /* 0 attack, 1 control, 2 plain */
static long scratch; /* stays 0 */

/* A call of f(code) from a frame whose CFA is rbp + 16, with rbp = fp
 * (0: the honest one) and every callee-saved register but rbp = to. */
extern "C" void rbp_call(uintptr_t fp, long *to, long code, uintptr_t f);
__asm__(".text\n.globl rbp_call\n.type rbp_call,@function\n"
        "rbp_call:\n"
        "  .cfi_startproc\n"
        "  pushq %rbp\n"
        "  .cfi_def_cfa_offset 16\n"
        "  .cfi_offset %rbp, -16\n"
        "  movq %rsp, %rbp\n"
        "  .cfi_def_cfa_register %rbp\n"
        "  subq $48, %rsp\n"
        "  movq %rbx, (%rsp)\n"
        "  movq %r12, 8(%rsp)\n"
        "  movq %r13, 16(%rsp)\n"
        "  movq %r14, 24(%rsp)\n"
        "  movq %r15, 32(%rsp)\n"
        "  movq %rsi, %rbx\n"
        "  movq %rsi, %r12\n"
        "  movq %rsi, %r13\n"
        "  movq %rsi, %r14\n"
        "  movq %rsi, %r15\n"
        "  testq %rdi, %rdi\n"
        "  cmovneq %rdi, %rbp\n"
        "  movq %rdx, %rdi\n"
        "  callq *%rcx\n"
        "  ud2\n"
        "  .cfi_endproc\n"
        ".size rbp_call, .-rbp_call\n");

extern "C" __attribute__((noinline)) void app_event(void) {
  if (mode == 2)
    return;
  uintptr_t t;
  __asm__("leaq vault_throw(%%rip), %0" : "=r"(t));
  if (mode == 1) {
    rbp_call(0, &scratch, 7, t);
    return;
  }
  pid_t pid = fork();
  if (pid == 0) {
    rbp_call(ra_slot - 8, (long *)vault_key, POWNED, t);
    _exit(3);
  }
  int st;
  waitpid(pid, &st, 0);
  if (WIFEXITED(st))
    printf("attack child: exited %d\n", WEXITSTATUS(st));
  else
    printf("attack child: signal %d\n", WTERMSIG(st));
}

static Guard guard;
static Guard *volatile shared_guard = &guard;

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  if (argc > 1 && !strcmp(argv[1], "control"))
    mode = 1;
  else if (argc > 1 && !strcmp(argv[1], "plain"))
    mode = 2;
  long status = 0;
  int r = vault_go(shared_guard, &status);
  printf("vault_go returned %d, status %ld, scratch %#lx\n", r, status,
         scratch);
  report(r, status);
  return 0;
}
