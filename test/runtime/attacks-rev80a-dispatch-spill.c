// Review 80a, attacker model A: key-0 loads only. The kernel starts a
// signal handler with the interrupted code's general registers in place
// but for rdi, rsi, rdx, rax, rsp and rip (its FPU state is reset). The
// runtime's dispatcher (runtime/signals.c, dispatch) is ordinary C: its
// prologue pushed rbx, rbp and r12-r15 onto the thread's key-0 alternate
// stack, just below the kernel's frame, before it kept its copy of a
// compartment's frame and wiped the kernel's one (review 79's fix). The
// wipe left those pushes: the vault's words in r12, r13 and rbx while a
// timer signal interrupted it stayed on the alternate stack after the
// handler had returned, for any default-domain load to find. Here the
// vault holds words of its key in those registers while a one-shot timer
// fires, clears them itself before it returns (the gates' scrub plays no
// part), and main then scans the whole alternate stack with loads only.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -O0 %s -o %t0
// RUN: %run %t0 | FileCheck %s
// CHECK: the handler ran in the vault's code: yes
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: vault key on the alternate stack: no
#include "Inputs/check.h"
#include "Inputs/key-scan.h"

/* Three 8-byte words that appear nowhere else. */
#define KEY "Kq8#vP2m" "Zr0!wX4b" "Lt5$yN8c"
BULKHEAD_DATA(vault) char vault_key[24] = KEY;

static volatile int got_signal;
extern const char vault_spin_begin[], vault_spin_end[]; /* in its asm */

BULKHEAD_ENTRY(vault) void vault_hold_key(void) {
  __asm__ volatile("movq (%0), %%r12\n"
                   "movq 8(%0), %%r13\n"
                   "movq 16(%0), %%rbx\n"
                   "vault_spin_begin: pause\n"
                   "cmpl $0, (%1)\n"
                   "je vault_spin_begin\n"
                   "vault_spin_end:\n"
                   "xorl %%r12d, %%r12d\n"
                   "xorl %%r13d, %%r13d\n"
                   "xorl %%ebx, %%ebx\n" ::"r"(vault_key),
                   "r"(&got_signal)
                   : "r12", "r13", "rbx", "memory", "cc");
}

static void on_alarm(int sig, siginfo_t *si, void *ucv) {
  (void)sig, (void)si;
  if (timer_landed(ucv))
    got_signal = 1;
}

int main(void) {
  timer_until(on_alarm, vault_spin_begin, vault_spin_end);
  vault_hold_key();
  say_timer_landed();
  /* The thread's alternate stack: key-0 memory (the runtime's mapping). */
  static const char key[] = KEY;
  key_verdict(key_words_on_alt_stack(key, 3), "on the alternate stack");
  return 0;
}
