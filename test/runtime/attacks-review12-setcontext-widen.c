// Attacker model A (key-0 loads and stores only): two stores into key-0
// memory, an honest program that leaves one signal handler by setcontext
// (runs on as attacks-review11-other-stack.c: compartments 'vault' and
// 'bank', Inputs/nested-withdraw.h).
//
// Before signal A, the program's SIGUSR1 handler, run 64 KiB down the
// main stack, leaves by setcontext (not interposed): the GS base keeps
// that handler's frame top T0 (signals.c live_top; docs/signals.md says
// the word stays set and the stack narrowed, "nothing else"), and the
// alternate stack stays narrowed at its dispatch. Signal A then interrupts
// the vault and is dispatched at the top of that narrowed stack (D); its
// handler runs on the default-domain stack, above T0. The handler's own
// setjmp/longjmp (inside it) reaches widen(): its target is above T0, so
// it counts as leaving the outermost handler and gives the alternate stack
// back from the key-0 words whole_sp/whole_size while A's dispatch runs.
// Store 0 sets whole_size to the size the kernel had when A came (widen
// accepts any size at least the current one): B, which interrupts the
// bank's withdraw after its check, is dispatched at D, over A's dispatch
// frame. Store 1 (as in review 11) points the bank's slot just below its
// fresh top. A's give_back then finds B's record with its own stack
// pointer and resumes B's abandoned withdraw past its check: the bank
// pays 60 more, balance -20.
//
// The attacker learns the size to store from the binary (the narrowed
// size depends only on the dispatcher's frames; the test reads it with
// sigaltstack for brevity) or from the abandoned handler's key-0 frame.
//
// -DNO_STORES: B is still dispatched above A's frame (the whole stack is
// back while A's dispatch runs: the invariant the GS base was to keep),
// then the program ends "ok" (here B's dispatch did not reach A's
// frame's live words). -DNO_SETCONTEXT: both stores, no setcontext exit; B
// lands below A, its record is voided, and the program ends "ok".
// Checked in the PKU guest: the default build prints "B's signal frame at
// or above A's" and "the bank paid past its check" (balance -20).
//
// Fixed: setcontext and swapcontext are interposed as longjmp is
// (runtime/signals.c leaving_to). The review's suggestion: a stale GS
// base must not decide that a jump leaves the outermost handler: interpose setcontext/swapcontext as longjmp is (widen by the
// target context's stack pointer, clearing the GS base), or otherwise
// forget a top no handler frame is live at. And widen() should accept
// whole_size only up to the stack the runtime installed (ALT_SIZE for its
// own), not any size at least the narrowed one.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t > %t.out 2>&1 || true
// RUN: FileCheck %s < %t.out
// CHECK-NOT: paid past its check
// CHECK: B's signal frame below A's
// CHECK-NOT: paid past its check
// CHECK: attacks-review12-setcontext-widen: ok
#define _GNU_SOURCE
#include "Inputs/check.h"
#include "Inputs/tls-words.h"
#include <setjmp.h>
#include <string.h>
#include <ucontext.h>

static uintptr_t *bank_slot, bank_top, *whole_size;
static uintptr_t size_at_a;
static ucontext_t shallow;
static volatile int left_by_setcontext;

#ifdef UC_LINK /* attacks-review12d-uclink.c: left through a coroutine */
static ucontext_t coroutine, handler_ctx;
/* Returns at once: glibc's __start_context then resumes uc_link. */
static void finish(void) {}
#endif
static void leave_by_setcontext(int sig, siginfo_t *si, void *uc) {
  (void)sig, (void)si, (void)uc;
#ifdef UC_LINK
  /* The coroutine's stack lies in the handler's frame (inside it: the
   * interposed swapcontext keeps the stack narrowed); when it returns,
   * libc's own setcontext (not the interposed one) resumes uc_link. */
  char stack[16384] __attribute__((aligned(16)));
  getcontext(&coroutine);
  coroutine.uc_stack.ss_sp = stack;
  coroutine.uc_stack.ss_size = sizeof stack;
  coroutine.uc_link = &shallow;
  makecontext(&coroutine, finish, 0);
  swapcontext(&handler_ctx, &coroutine);
#else
  setcontext(&shallow);
#endif
}
static __attribute__((noinline)) void deep(int n) {
  volatile char pad[4096];
  pad[0] = (char)n;
  if (n)
    deep(n - 1);
  else
    raise(SIGUSR1);
  __asm__ volatile("" ::: "memory");
}
/* The honest part: one handler left by setcontext, deep in the stack. */
static void honest_setcontext_exit(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = leave_by_setcontext;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGUSR1, &sa, NULL);
#ifdef NO_SETCONTEXT
  return;
#endif
  getcontext(&shallow);
  if (!left_by_setcontext) {
    left_by_setcontext = 1;
    deep(16);
  }
}

static __attribute__((noinline)) void inner_error_handling(void) {
  jmp_buf inner;
#ifndef NO_STORES
  if (whole_size) /* a fix may take the word out of memory */
    *whole_size = size_at_a; /* store 0 */
#endif
  if (!setjmp(inner))
    longjmp(inner, 1);
}

#ifdef UC_LINK
#define NAME "attacks-review12d-uclink"
#else
#define NAME "attacks-review12-setcontext-widen"
#endif
#define PAYER bank
#define ATTACK_SETUP                                                           \
  bank_slot = tls_word("__bulkhead_stack.bank");                               \
  bank_top = *bank_slot;                                                       \
  whole_size = tls_word_if("whole_size");                                      \
  honest_setcontext_exit();                                                    \
  {                                                                            \
    stack_t ss;                                                                \
    sigaltstack(NULL, &ss);                                                    \
    size_at_a = ss.ss_size; /* what the attacker reads: still narrowed */      \
  }
#define ATTACK_IN_A inner_error_handling()
#ifndef NO_STORES
#define ATTACK_BEFORE_SECOND *bank_slot = bank_top - 16 /* store 1 */
#endif
#include "Inputs/nested-withdraw.h"
