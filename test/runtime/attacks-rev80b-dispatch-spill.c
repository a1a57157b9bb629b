// Review 80b (the runtime's own ways out of a compartment's rights), found
// under attacker model A (key-0 loads only; model B's threads read the same
// words at any time). A signal that interrupts compartment code: the
// kernel saves its registers in the frame on the key-0 alternate stack,
// and the dispatcher wipes that frame once it has kept its copy
// (attacks-sigframe-registers.c). But x86-64 signal delivery sets only
// rdi, rsi, rdx, rax, rip and rsp (the vector state starts clean): the
// dispatcher began with the compartment's other general registers still
// live, and its C prologue pushed the callee-saved ones (rbx, rbp, r12-r15)
// onto the alternate stack just below the frame, where nothing wiped them
// and they stayed after the compartment resumed (rcx and r8-r11 were
// overwritten before the program's handler ran: checked too, not seen
// there). Here the vault holds ten
// words of its key in those registers while a one-shot timer fires and
// clears them itself before it returns (the gates' scrub plays no part);
// main then scans its thread's alternate stack with loads only. Before the
// fix: ATTACK SUCCEEDED 3 of 3 in the guest, -O2 and -O0 (all six
// callee-saved words, 0xc90-0xcb8 below the stack's top). Now the kernel
// calls an entry stub that clears those registers before the dispatcher
// runs (runtime/signals.c, bh_dispatch_entry).
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -O0 %s -o %t0
// RUN: %run %t0 | FileCheck %s
// CHECK: the handler ran in the vault's code: yes
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: vault key in the handler's registers: no
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: vault key on the alternate stack: no
#include "Inputs/check.h"
#include "Inputs/key-scan.h"

/* Ten 8-byte words that appear nowhere else. */
#define KEY "Kq7#vP2m" "Zr9!wX4b" "Lt3$yN8c" "Hs6%uQ1d" "Gf5^aJ0e" \
            "Pw2&kM7g" "Vb4*cR9h" "Dn8(eT3j" "Cy1)fU6k" "Mz0-gW5l"
#define NWORDS 10
BULKHEAD_DATA(vault) char vault_key[8 * NWORDS] = KEY;

static volatile int got_signal;
extern const char vault_loop_begin[], vault_loop_end[]; /* in its asm */

/* Holds its key in general registers while a timer fires, and clears them
 * itself before it returns (the gates' scrub plays no part). */
BULKHEAD_ENTRY(vault) void vault_hold_key(void) {
  __asm__ volatile("pushq %%rbp\n"
                   "movq 0(%0), %%rbx\n"
                   "movq 8(%0), %%rbp\n"
                   "movq 16(%0), %%r12\n"
                   "movq 24(%0), %%r13\n"
                   "movq 32(%0), %%r14\n"
                   "movq 40(%0), %%r15\n"
                   "movq 48(%0), %%r8\n"
                   "movq 56(%0), %%r9\n"
                   "movq 64(%0), %%r10\n"
                   "movq 72(%0), %%r11\n"
                   "vault_loop_begin: pause\n"
                   "cmpl $0, (%1)\n"
                   "je vault_loop_begin\n"
                   "vault_loop_end:\n"
                   "xorl %%ebx, %%ebx\n"
                   "xorl %%r12d, %%r12d\n"
                   "xorl %%r13d, %%r13d\n"
                   "xorl %%r14d, %%r14d\n"
                   "xorl %%r15d, %%r15d\n"
                   "xorl %%r8d, %%r8d\n"
                   "xorl %%r9d, %%r9d\n"
                   "xorl %%r10d, %%r10d\n"
                   "xorl %%r11d, %%r11d\n"
                   "popq %%rbp\n" ::"a"(vault_key),
                   "c"(&got_signal)
                   : "rbx", "r8", "r9", "r10", "r11", "r12", "r13", "r14",
                     "r15", "memory", "cc");
}

/* The general registers the program's handler was given, stored by its
 * first instructions (key-0 memory). */
uint64_t given[11];
void on_alarm_entry(int, siginfo_t *, void *);
__asm__(".text\n"
        ".globl on_alarm_entry\n"
        ".type on_alarm_entry,@function\n"
        "on_alarm_entry:\n"
        "  movq %rcx, given+0(%rip)\n"
        "  movq %r8, given+8(%rip)\n"
        "  movq %r9, given+16(%rip)\n"
        "  movq %r10, given+24(%rip)\n"
        "  movq %r11, given+32(%rip)\n"
        "  movq %rbx, given+40(%rip)\n"
        "  movq %rbp, given+48(%rip)\n"
        "  movq %r12, given+56(%rip)\n"
        "  movq %r13, given+64(%rip)\n"
        "  movq %r14, given+72(%rip)\n"
        "  movq %r15, given+80(%rip)\n"
        "  jmp on_alarm\n"
        ".size on_alarm_entry, .-on_alarm_entry\n");

void on_alarm(int sig, siginfo_t *si, void *ucv) {
  (void)sig, (void)si;
  if (timer_landed(ucv))
    got_signal = 1;
}

int main(void) {
  timer_until(on_alarm_entry, vault_loop_begin, vault_loop_end);
  vault_hold_key();
  say_timer_landed();
  /* Loads only, after the fact: what the handler was given, and the
   * thread's alternate stack (the runtime's, key-0 memory). */
  static const char key[] = KEY;
  key_verdict(key_words_in(given, given + 11, key, NWORDS),
              "in the handler's registers");
  key_verdict(key_words_on_alt_stack(key, NWORDS), "on the alternate stack");
  return 0;
}
