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

#include <sys/time.h>
#include <ucontext.h>

/* Three 8-byte words that appear nowhere else. */
#define KEY "Kq8#vP2m" "Zr0!wX4b" "Lt5$yN8c"
BULKHEAD_DATA(vault) char vault_key[24] = KEY;

static volatile int got_signal;
static volatile uintptr_t frame_rip;
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
  /* The timer repeats until it lands in the vault's loop (the first
   * entry may take longer than a period); that one stops it. */
  uintptr_t rip = ((ucontext_t *)ucv)->uc_mcontext.gregs[REG_RIP];
  if (rip < (uintptr_t)vault_spin_begin || rip > (uintptr_t)vault_spin_end)
    return;
  struct itimerval off = {{0, 0}, {0, 0}};
  setitimer(ITIMER_REAL, &off, NULL);
  frame_rip = ((ucontext_t *)ucv)->uc_mcontext.gregs[REG_RIP];
  got_signal = 1;
}

int main(void) {
  struct sigaction sa = {.sa_sigaction = on_alarm, .sa_flags = SA_SIGINFO};
  CHECK(sigaction(SIGALRM, &sa, NULL) == 0);
  struct itimerval t = {{0, 20000}, {0, 20000}};
  CHECK(setitimer(ITIMER_REAL, &t, NULL) == 0);
  vault_hold_key();
  int in_vault = frame_rip >= (uintptr_t)vault_spin_begin &&
                 frame_rip <= (uintptr_t)vault_spin_end;
  printf("the handler ran in the vault's code: %s\n", in_vault ? "yes" : "no");
  /* The thread's alternate stack: key-0 memory (the runtime's mapping). */
  stack_t ss;
  CHECK(sigaltstack(NULL, &ss) == 0 && !(ss.ss_flags & SS_DISABLE));
  static const char key[] = KEY;
  int found = 0;
  for (int w = 0; w < 3; w++)
    for (const char *p = ss.ss_sp; p + 8 <= (char *)ss.ss_sp + ss.ss_size;
         p++)
      if (!memcmp(p, key + 8 * w, 8)) {
        printf("word %d at %ld bytes below the alternate stack's top\n", w,
               (long)((char *)ss.ss_sp + ss.ss_size - p));
        found++;
        break;
      }
  if (found)
    printf("ATTACK SUCCEEDED: %d of the vault key's words on the alternate "
           "stack\n",
           found);
  printf("vault key on the alternate stack: %s\n", found ? "yes" : "no");
  return 0;
}
