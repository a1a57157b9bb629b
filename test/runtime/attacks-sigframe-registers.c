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
// CHECK-NEXT: the handler saw the interrupted rip: yes
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: vault key in the handler's frame: no
#include "Inputs/check.h"

#include <sys/time.h>
#include <ucontext.h>

/* Three 8-byte words that appear nowhere else. */
#define KEY "Kq7#vP2m" "Zr9!wX4b" "Lt3$yN8c"
BULKHEAD_DATA(vault) char vault_key[24] = KEY;

static volatile int got_signal;
static char *volatile frame;      /* the ucontext the handler was given */
static volatile uintptr_t frame_rip;
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
  /* The timer repeats until it lands in the vault's loop (the first
   * entry may take longer than a period); that one stops it. */
  uintptr_t rip = ((ucontext_t *)ucv)->uc_mcontext.gregs[REG_RIP];
  if (rip < (uintptr_t)vault_loop_begin || rip > (uintptr_t)vault_loop_end)
    return;
  struct itimerval off = {{0, 0}, {0, 0}};
  setitimer(ITIMER_REAL, &off, NULL);
  ucontext_t *uc = ucv;
  frame = ucv;
  frame_rip = uc->uc_mcontext.gregs[REG_RIP];
  got_signal = 1;
}

static int in_frame(const char *key_word) {
  /* The ucontext and the XSAVE image after it: the frame's whole. */
  const char *x = (const char *)((ucontext_t *)frame)->uc_mcontext.fpregs;
  uint32_t size = 512;
  memcpy(&size, x + 480, 4); /* fpx_sw_bytes.xstate_size */
  const char *end = x + size;
  for (const char *p = frame; p + 8 <= end; p++)
    if (!memcmp(p, key_word, 8))
      return 1;
  return 0;
}

int main(void) {
  struct sigaction sa = {.sa_sigaction = on_alarm, .sa_flags = SA_SIGINFO};
  CHECK(sigaction(SIGALRM, &sa, NULL) == 0);
  struct itimerval t = {{0, 20000}, {0, 20000}};
  CHECK(setitimer(ITIMER_REAL, &t, NULL) == 0);
  vault_hold_key();
  int in_vault = frame_rip >= (uintptr_t)vault_loop_begin &&
                 frame_rip <= (uintptr_t)vault_loop_end;
  printf("the handler ran in the vault's code: %s\n", in_vault ? "yes" : "no");
  printf("the handler saw the interrupted rip: %s\n", frame_rip ? "yes" : "no");
  static const char key[] = KEY;
  int found = 0;
  for (int w = 0; w < 3; w++)
    found += in_frame(key + 8 * w);
  if (found)
    printf("ATTACK SUCCEEDED: %d of the vault key's words in the frame\n",
           found);
  printf("vault key in the handler's frame: %s\n", found ? "yes" : "no");
  return 0;
}
