// Issue 11, attacker model A: key-0 loads only. A signal that interrupts
// compartment code makes the kernel save the compartment's registers
// (general, x87/SSE/AVX image) in the signal frame on the thread's key-0
// alternate stack. The runtime's dispatcher copies that frame onto the
// compartment's stack and resumes from the copy, but it left the kernel's
// frame as it was: an honest handler that logs its ucontext, or any load
// from the alternate stack afterwards (the frame stays there until the
// next signal), read the vault's registers. Here the vault holds words of
// its key in r12, r13 and xmm5 while a one-shot timer fires, and clears
// them itself before it returns (so the gates' scrub plays no part); main
// then scans the frame the handler was given. The runtime now wipes the
// register contents of that frame (all but rsp, rip and flags; the PKRU)
// once it has its copy: the handler sees where the compartment was, not
// what it held.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -O0 %s -o %t0
// RUN: %run %t0 | FileCheck %s
// CHECK: the handler ran in the vault's code: yes
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: vault key in the handler's frame: no
#include "Inputs/check.h"
#include "Inputs/key-scan.h"

/* Three 8-byte words that appear nowhere else. */
#define KEY "Kq7#vP2m" "Zr9!wX4b" "Lt3$yN8c"
BULKHEAD_DATA(vault) char vault_key[24] = KEY;

static volatile int got_signal;
static const void *volatile frame; /* the ucontext the handler was given */
extern const char vault_loop_begin[], vault_loop_end[]; /* in its asm */

BULKHEAD_ENTRY(vault) void vault_hold_key(void) {
  __asm__ volatile("movq (%0), %%r12\n"
                   "movq 8(%0), %%r13\n"
                   "movdqu 8(%0), %%xmm5\n"
                   "vault_loop_begin: pause\n"
                   "cmpl $0, (%1)\n"
                   "je vault_loop_begin\n"
                   "vault_loop_end:\n"
                   "xorl %%r12d, %%r12d\n"
                   "xorl %%r13d, %%r13d\n"
                   "pxor %%xmm5, %%xmm5\n" ::"r"(vault_key),
                   "r"(&got_signal)
                   : "r12", "r13", "xmm5", "memory", "cc");
}

static void on_alarm(int sig, siginfo_t *si, void *ucv) {
  (void)sig, (void)si;
  if (timer_landed(ucv)) {
    frame = ucv;
    got_signal = 1;
  }
}

int main(void) {
  timer_until(on_alarm, vault_loop_begin, vault_loop_end);
  vault_hold_key();
  say_timer_landed();
  static const char key[] = KEY;
  key_verdict(key_words_in_frame(frame, key, 3), "in the handler's frame");
  return 0;
}
