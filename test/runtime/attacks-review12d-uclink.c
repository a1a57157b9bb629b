// Attacker model A (key-0 loads and stores only): the two stores of
// attacks-review12-setcontext-widen.c, and an honest program that leaves
// one signal handler through a makecontext coroutine's uc_link instead of
// by setcontext (compartments 'vault' and 'bank', Inputs/nested-withdraw.h).
//
// setcontext and swapcontext are interposed now (signals.c leaving_to), but
// a coroutine that returns is resumed at its uc_link by glibc's
// __start_context, which calls libc's internal __setcontext: not
// interposed. The SIGUSR1 handler, run 64 KiB down the main stack, makes a
// coroutine whose stack is an array in its own frame (so the interposed
// swapcontext into it sees a target inside the handler and rightly keeps
// the stack narrowed) with uc_link = a context saved before the signal;
// the coroutine returns at once and the handler is left without any
// interposed call. The GS base keeps that handler's frame top, and from
// there it is review 12's attack unchanged: a later handler's own longjmp
// takes the stale top for its own, gives the alternate stack back over
// its running dispatch (store 0: whole_size), and with store 1 (the bank's
// slot) the nested dispatch's give_back resumes the bank's abandoned
// withdraw past its check: balance -20.
//
// Reproduced in the PKU guest at -O2 (main e1049a7): "B's signal frame at
// or above A's", "the bank paid past its check". -DNO_STORES: B still lands
// at or above A (the invariant the GS base keeps is broken), the program
// ends "ok".
//
// Fix: every way out of a handler must clear the GS word, or a stale one
// must not decide. E.g. interpose makecontext so that a coroutine's return
// reaches its uc_link through the interposed setcontext (run the user's
// function from a runtime entry on the coroutine's stack that then calls
// setcontext(uc_link) itself); or have call_handler, finding the GS word
// set, check that a dispatch is really live at it (e.g. keep the
// dispatcher's stack pointer beside it and compare with the kernel's
// current alternate stack), forgetting a top no handler frame is live at.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t > %t.out 2>&1 || true
// RUN: FileCheck %s < %t.out
// CHECK-NOT: paid past its check
// CHECK: B's signal frame below A's
// CHECK-NOT: paid past its check
// CHECK: attacks-review12d-uclink: ok
// XFAIL: *
#define _GNU_SOURCE
#include "Inputs/check.h"
#include "Inputs/tls-words.h"
#include <setjmp.h>
#include <string.h>
#include <ucontext.h>

static uintptr_t *bank_slot, bank_top, *whole_size;
static uintptr_t size_at_a;
static ucontext_t shallow;
static volatile int left_handler;

static ucontext_t coroutine, handler_ctx;
/* Returns at once: glibc's __start_context then resumes uc_link. */
static void finish(void) {}
static void leave_by_uc_link(int sig, siginfo_t *si, void *uc) {
  (void)sig, (void)si, (void)uc;
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
/* The honest part: one handler left by a coroutine's uc_link, deep in the
 * stack. */
static void honest_uc_link_exit(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = leave_by_uc_link;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGUSR1, &sa, NULL);
#ifdef NO_COROUTINE
  return;
#endif
  getcontext(&shallow);
  if (!left_handler) {
    left_handler = 1;
    deep(16);
  }
}

static __attribute__((noinline)) void inner_error_handling(void) {
  jmp_buf inner;
#ifndef NO_STORES
  if (whole_size)            /* a fix may take the word out of memory */
    *whole_size = size_at_a; /* store 0 */
#endif
  if (!setjmp(inner))
    longjmp(inner, 1);
}

#define NAME "attacks-review12d-uclink"
#define PAYER bank
#define ATTACK_SETUP                                                           \
  bank_slot = tls_word("__bulkhead_stack.bank");                               \
  bank_top = *bank_slot;                                                       \
  whole_size = tls_word_if("whole_size");                                      \
  honest_uc_link_exit();                                                       \
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
