// Attacker model A (key-0 loads and stores only): two stores into the
// runtime's key-0 TLS, an honest program with two compartments: 'vault'
// (signal A interrupts it) and 'bank' (its withdraw checks the balance,
// then signal B interrupts it). The handler uses setjmp/longjmp inside
// (error handling of its own), and a timeout siglongjmps out of the
// nested handler back into it.
//
// Signal A interrupts the vault: record R_A on the vault's stack, its
// dispatcher's stack pointer D. In A's handler, store 0 sets the
// runtime's `handler_top` (signals.c) to 1, so the handler's inner
// longjmp seems to leave the handler and widen() gives the alternate stack
// back whole: the nested signal B, which interrupts the bank's first
// withdraw after its check, is dispatched at D, over A's dispatch frame.
// The bank's stack has no newest record, so keep accepts R_B (dispatcher
// D) there. B's handler siglongjmps back into A's (the timeout), and the
// program withdraws again, paid (balance 40); store 1 points the bank's
// slot just below its fresh top first (the setjmp saw the fresh top, and
// an entry there would start the stack over and forget R_B), so that
// withdraw continues below R_B. When A's handler returns, A's dispatch
// continues with the locals B's dispatch wrote over its frame (compartment
// 'bank', the bank's stack base): its give_back runs on the bank's stack,
// finds R_B with its own stack pointer D, and resumes B's abandoned
// withdraw after its check: the bank pays 60 more, balance -20. The
// vault's interrupted code is never resumed.
// signals.md says a rewritten index "looks on another compartment's
// stack, which holds no record of this dispatch"; here it holds one with
// the same stack pointer. No restart of a stack is needed (compare
// attacks-review11-restart-nested.c): each compartment's stack has its own
// order of records, and the stack pointer is shared across them.
//
// Root cause: the dispatcher stack pointer could repeat while a dispatch
// at it was live: widen() trusted key-0 words (handler_top).
//
// Fixed: where the outermost handler's frames begin is the thread's GS
// base now (signals.c live_top), not memory; the inner longjmp keeps the
// alternate stack narrowed and B lands below A (store 0 finds no word to
// write). B's record is left on the bank's stack (its handler leaves by
// siglongjmp), the second withdraw continues below it (store 1), and A's
// give_back finds R_A on the vault's stack: the program ends normally, as
// -DNO_STORES does. Before the fix: "B's signal frame at or above A's",
// then "the bank paid past its check".
//
// -DONE_STORE: store 0 only, and no second withdraw. Before the fix the
// bank paid the withdrawal the program abandoned ("bank paid 60" after
// "abandoned"), then returned through dead frames and the process died of
// SIGSEGV.
// -DNO_STORES: no store; B lands below A (its record is left, B's handler
// leaves by siglongjmp), A's give_back finds R_A on the vault's stack, and
// the program ends normally ("ok").
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t > %t.out 2>&1 || true
// RUN: FileCheck %s < %t.out
// CHECK-NOT: paid past its check
// CHECK: B's signal frame below A's
// CHECK-NOT: paid past its check
// CHECK: attacks-review11-other-stack: ok
#define _GNU_SOURCE
#include "Inputs/check.h"
#include "Inputs/tls-words.h"
#include <setjmp.h>

static uintptr_t *handler_top, *bank_slot, bank_top;

/* The handler's own error handling: a setjmp and longjmp within it, which
 * keeps the alternate stack narrowed, unless the runtime's key-0 word of
 * where the handler's frames begin says the jump leaves the handler (store
 * 0): then the interposed longjmp gives the alternate stack back whole
 * (signals.c widen), as when A came. */
static __attribute__((noinline)) void inner_error_handling(void) {
  jmp_buf inner;
#ifndef NO_STORES
  if (handler_top)
    *handler_top = 1; /* store 0 */
#endif
  if (!setjmp(inner))
    longjmp(inner, 1);
}

#define NAME "attacks-review11-other-stack"
#define PAYER bank
#define ATTACK_SETUP                                                           \
  handler_top = tls_word_if("handler_top"); /* signals.c, before the fix */    \
  printf("key-0 word of the handler's top: %s\n",                              \
         handler_top ? "yes" : "none");                                        \
  bank_slot = tls_word("__bulkhead_stack.bank");                               \
  bank_top = *bank_slot /* nothing of the bank live: its fresh top */
#define ATTACK_IN_A inner_error_handling()
#if defined ONE_STORE
#define ATTACK_BEFORE_SECOND                                                   \
  stage = 3;                                                                   \
  return
#elif !defined NO_STORES
/* store 1: not the fresh top (which the setjmp saw), so that this entry
 * continues below the bank's mark instead of starting over */
#define ATTACK_BEFORE_SECOND *bank_slot = bank_top - 16
#endif
#include "Inputs/nested-withdraw.h"
