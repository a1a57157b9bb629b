// Attacker model A (key-0 loads only; the program's own handlers are just
// the program's). A signal that interrupts compartment code makes the
// kernel write the compartment's registers (general, and the XSAVE image)
// into a frame on the thread's key-0 alternate stack; the dispatcher keeps
// a copy on the compartment's stack and then wipes that frame. But the
// runtime installed its dispatcher with the sa_mask the program gave (here
// none): a second signal, pending at the same time, was delivered on top of
// the first before the dispatcher ran one instruction (and one arriving
// while keep ran was delivered when the mask was put back, before the
// wipe). Its handler ran while the first frame still held the vault's
// registers, and as it left by siglongjmp (an ordinary timeout/cancel
// pattern) the first dispatch never wiped that frame at all. The second
// frame held them too: the kernel starts a handler with the interrupted
// general registers in place, and the dispatcher's entry stub, which
// clears them, had not run yet.
//
// Here the vault holds words of its key in r12, r13 and xmm5 only while it
// spins; two POSIX timers of the same absolute expiry make SIGUSR1 (a tick,
// does nothing) and SIGUSR2 (a cancel, siglongjmp back to main) pending in
// one timer interrupt, so they are delivered back to back, SIGUSR1 first.
// main then scans the alternate stack with loads only. The timers are
// rearmed until the pair lands in the vault's loop: the cancel saw SIGUSR1
// blocked (it interrupted the tick's dispatch) before the tick's handler
// ran, and the alternate stack, cleared before the try, holds the kernel's
// frame of the tick with its saved rip in the loop.
// Now the dispatcher is installed with every signal blocked and wipes the
// frame before it sets the program's mask around the handler: the cancel
// still lands in the tick's dispatch, on a wiped frame.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -O0 %s -o %t0
// RUN: %run %t0 | FileCheck %s
// CHECK: the cancel landed in the tick's dispatch of the vault's loop: yes
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: vault key on the alternate stack: no
#include "Inputs/check.h"
#include "Inputs/key-scan.h"

#include <setjmp.h>
#include <stddef.h>
#include <time.h>

/* Three 8-byte words that appear nowhere else. */
#define KEY "Kq8#vN2m" "Zr5!wT4b" "Lt7$yQ8c"
BULKHEAD_DATA(vault) char vault_key[24] = KEY;

extern const char vault_loop_begin[], vault_loop_end[]; /* in its asm */
static sigjmp_buf back;
static volatile int nested; /* the cancel interrupted the tick's handling */
static volatile int ticks;  /* the tick's handler ran */

/* Loops until a handler jumps out; the key's words stay in registers. */
BULKHEAD_ENTRY(vault) void vault_spin(void) {
  __asm__ volatile("movq (%0), %%r12\n"
                   "movq 8(%0), %%r13\n"
                   "movdqu 8(%0), %%xmm5\n"
                   "vault_loop_begin: pause\n"
                   "jmp vault_loop_begin\n"
                   "vault_loop_end:\n"
                   "xorl %%r12d, %%r12d\n"
                   "xorl %%r13d, %%r13d\n"
                   "pxor %%xmm5, %%xmm5\n" ::"r"(vault_key)
                   : "r12", "r13", "xmm5", "memory", "cc");
}
/* The first entry sets up the thread's stack of the vault (slow). */
BULKHEAD_ENTRY(vault) int vault_warm(void) { return vault_key[0]; }

static void on_tick(int sig) {
  (void)sig;
  ticks++;
}

static void on_cancel(int sig, siginfo_t *si, void *ucv) {
  (void)sig, (void)si;
  ucontext_t *uc = ucv;
  nested = sigismember(&uc->uc_sigmask, SIGUSR1) == 1;
  siglongjmp(back, 1);
}

static timer_t timer_for(int sig) {
  struct sigevent ev;
  memset(&ev, 0, sizeof ev);
  ev.sigev_notify = SIGEV_THREAD_ID;
  ev.sigev_signo = sig;
  ev._sigev_un._tid = gettid();
  timer_t t;
  CHECK(timer_create(CLOCK_MONOTONIC, &ev, &t) == 0);
  return t;
}

/* A kernel's signal frame on the alternate stack whose saved rip is in
 * the vault's loop: a ucontext whose fpregs points above it, 64-byte
 * aligned, into the alternate stack (rip is not wiped). */
static int frame_in_loop(const stack_t *ss) {
  const char *lo = ss->ss_sp, *hi = lo + ss->ss_size;
  for (const char *p = lo; p + offsetof(ucontext_t, uc_sigmask) + 8 <= hi;
       p += 8) {
    const ucontext_t *uc = (const ucontext_t *)p;
    uintptr_t rip = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
    const char *fp = (const char *)uc->uc_mcontext.fpregs;
    if (rip >= (uintptr_t)vault_loop_begin &&
        rip < (uintptr_t)vault_loop_end && fp > p && fp < hi &&
        (uintptr_t)fp % 64 == 0)
      return 1;
  }
  return 0;
}

int main(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_tick; /* sa_mask empty, as most programs leave it */
  CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
  sa.sa_sigaction = on_cancel;
  sa.sa_flags = SA_SIGINFO;
  CHECK(sigaction(SIGUSR2, &sa, NULL) == 0);
  timer_t tick = timer_for(SIGUSR1), cancel = timer_for(SIGUSR2);
  stack_t ss;
  CHECK(sigaltstack(NULL, &ss) == 0 && !(ss.ss_flags & SS_DISABLE));
  CHECK(vault_warm() == 'K');

  int landed = 0, tries = 0;
  for (; tries < 50 && !landed; tries++) {
    memset(ss.ss_sp, 0, ss.ss_size); /* no frame of an earlier try */
    nested = 0;
    int ticks_before = ticks;
    if (!sigsetjmp(back, 1)) {
      struct timespec now;
      CHECK(clock_gettime(CLOCK_MONOTONIC, &now) == 0);
      now.tv_nsec += 20 * 1000 * 1000;
      if (now.tv_nsec >= 1000000000L)
        now.tv_sec++, now.tv_nsec -= 1000000000L;
      struct itimerspec at = {{0, 0}, now};
      CHECK(timer_settime(tick, TIMER_ABSTIME, &at, NULL) == 0);
      CHECK(timer_settime(cancel, TIMER_ABSTIME, &at, NULL) == 0);
      vault_spin();
    }
    landed = nested && ticks == ticks_before && frame_in_loop(&ss);
  }
  printf("the cancel landed in the tick's dispatch of the vault's loop: %s\n",
         landed ? "yes" : "no");
  fprintf(stderr, "tries: %d\n", tries);
  static const char key[] = KEY;
  key_verdict(key_words_on_alt_stack(key, 3), "on the alternate stack");
  return 0;
}
