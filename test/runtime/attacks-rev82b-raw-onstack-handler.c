// Review 82b, attacker model B (the default domain's program counter: any
// system call the filter allows). The runtime gives every thread a key-0
// alternate signal stack and keeps and wipes a compartment's frame in its
// dispatcher, which the interposed sigaction installs. A handler installed
// past the interposer, with the raw rt_sigaction system call (the filter
// does not look at it), was said to die on the compartment's stack
// (threat-model.md, runtime.md); but one asked to run SA_ONSTACK runs on
// that very alternate stack, where the kernel wrote the interrupted
// compartment's frame: general registers and XSAVE image, unwiped. Here
// the vault spins with words of its key in r12, r13 and xmm5; a SIGALRM
// handler of the attacker's (top-level asm, so no wrapper of the pass's),
// installed raw with SA_ONSTACK and glibc's restorer, copies them out of
// its ucontext when a tick lands in the vault's loop. ATTACK SUCCEEDED 3
// of 3 in the guest (all three words each time). The same root as the
// open attacks-review2-sigframe.c (the kernel writes the frame in key-0
// memory), but with no other thread and no race. Open: closing it needs
// the frame never to be written in key-0 memory (docs/signals.md) or raw
// rt_sigaction calls judged (their arguments are in memory, as for
// sigaltstack: hardening.md).
// XFAIL: *
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t | FileCheck %s
// CHECK: the handler ran in the vault's code: yes
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: vault key in the raw handler's frame: no
#include "Inputs/check.h"
#include "Inputs/key-scan.h"

#include <sys/syscall.h>

/* Three 8-byte words that appear nowhere else. */
#define KEY "Kq3#vR2m" "Zr6!wS4b" "Lt9$yP8c"
BULKHEAD_DATA(vault) char vault_key[24] = KEY;

extern const char vault_loop_begin[], vault_loop_end[]; /* in its asm */

/* Loops until told; the key's words stay in registers meanwhile. */
BULKHEAD_ENTRY(vault) void vault_spin(const volatile int *until) {
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
                   "r"(until)
                   : "r12", "r13", "xmm5", "memory", "cc");
}
BULKHEAD_ENTRY(vault) int vault_warm(void) { return vault_key[0]; }

/* What the raw handler copied out of its frame. */
char seen[32];
volatile int stop_spin;

/* Installed raw, in top-level asm: no wrapper of the pass's (an
 * instrumented handler enters the default domain and traps on this
 * stack). From its ucontext (rdx): if the saved rip is in the vault's
 * loop, r12 (gregs at 40, +4*8), r13 (+5*8) and xmm5 of the XSAVE image
 * (fpregs at 224, xmm0 at 160), then the loop is told to stop. */
void raw_handler(int, siginfo_t *, void *);
__asm__(".text\n"
        "raw_handler:\n"
        "  movq 168(%rdx), %rax\n" /* gregs[REG_RIP] */
        "  leaq vault_loop_begin(%rip), %rcx\n"
        "  cmpq %rcx, %rax\n"
        "  jb 1f\n"
        "  leaq vault_loop_end(%rip), %rcx\n"
        "  cmpq %rcx, %rax\n"
        "  ja 1f\n"
        "  movq 72(%rdx), %rax\n"
        "  movq %rax, seen(%rip)\n"
        "  movq 80(%rdx), %rax\n"
        "  movq %rax, seen+8(%rip)\n"
        "  movq 224(%rdx), %rcx\n"
        "  movq 240(%rcx), %rax\n"
        "  movq %rax, seen+16(%rip)\n"
        "  movq 248(%rcx), %rax\n"
        "  movq %rax, seen+24(%rip)\n"
        "  movl $1, stop_spin(%rip)\n"
        "1: ret\n");

struct kernel_sigaction {
  void (*handler)(int, siginfo_t *, void *);
  unsigned long flags;
  void (*restorer)(void);
  uint64_t mask;
};

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  CHECK(vault_warm() == 'K');
  /* Through the interposer first, for glibc's restorer and the kernel's
   * flags (SA_ONSTACK), then past it: the raw handler, no mask. */
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = raw_handler;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
  CHECK(sigaction(SIGALRM, &sa, NULL) == 0);
  struct kernel_sigaction ksa;
  CHECK(syscall(SYS_rt_sigaction, SIGALRM, NULL, &ksa, 8) == 0);
  ksa.handler = raw_handler;
  ksa.mask = 0;
  CHECK(syscall(SYS_rt_sigaction, SIGALRM, &ksa, NULL, 8) == 0);
  struct itimerval t = {{0, 20000}, {0, 20000}}, off = {{0, 0}, {0, 0}};
  CHECK(setitimer(ITIMER_REAL, &t, NULL) == 0);
  vault_spin(&stop_spin);
  CHECK(setitimer(ITIMER_REAL, &off, NULL) == 0);
  printf("the handler ran in the vault's code: yes\n");
  static const char key[] = KEY;
  key_verdict(key_words_in(seen, seen + sizeof seen, key, 3),
              "in the raw handler's frame");
  return 0;
}
