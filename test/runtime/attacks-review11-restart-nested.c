// Attacker model A (key-0 loads and stores only): two stores into the
// runtime's key-0 TLS, an honest program. The program is
// attacks-nested-longjmp-altstack.c's (Inputs/nested-withdraw.h), except
// that its handler does not move the alternate stack itself: it uses
// setjmp/longjmp inside (error handling of its own), and a timeout
// siglongjmps out of a nested handler back into it.
//
// Signal A interrupts the vault (vault_poke); its copy is kept (record R_A,
// the stack's newest, dispatcher stack pointer D). In A's handler:
// store 0 sets the runtime's `handler_top` (signals.c, where the handler's
// frames begin) to 1, so the handler's inner longjmp seems to leave the
// handler and the interposed longjmp widens the alternate stack back to the
// whole (signals.c widen): a nested signal now lands where A did. Store 1
// points the vault's stack slot at the stack's fresh top before the
// handler calls the vault again: that entry starts the stack over and
// clears the newest-record word (BH_STACK_KEPT_BELOW, pass/Stacks.cpp), so
// R_A is forgotten. Signal B interrupts that withdraw after its balance
// check and is dispatched at D, over A's dispatch; keep sees no newest
// record, so it does not refuse B (attacks-nested-longjmp-altstack.c's
// defence) and keeps R_B with dispatcher D. B's handler siglongjmps back
// into A's (the timeout); the slot is put back as the setjmp saw it (the
// pass does that), and the program withdraws again, paid (balance 40).
// When A's handler returns, A's give_back finds R_B, the newest, with its
// own stack pointer D, and resumes B's abandoned withdraw after its check:
// the vault pays 60 more, balance -20 ("the vault paid past its check").
// Either store alone fails closed (store 0 alone is
// attacks-nested-longjmp-altstack.c; store 1 alone leaves A's give_back no
// record).
//
// Root cause: give_back's "my record" is "the first record with my stack
// pointer", and the two things that kept a later dispatch from sharing
// that stack pointer were both in the attacker's reach: the chain's order
// (cleared by an entry at a slot the attacker set to the fresh top) and the
// alternate stack's narrowing (undone through widen(), which trusted the
// key-0 words whole_sp, whole_size and handler_top).
//
// Fixed: where the outermost handler's frames begin is no longer memory
// but the thread's GS base (signals.c live_top), so the inner longjmp
// keeps the alternate stack narrowed and B's frame lands below A's, as
// without store 0 (there is no key-0 word left for it: store 0 finds
// nothing to write). Store 1 alone fails closed: B's record is voided on
// the way and A's give_back finds none, so the process stops. Before the
// fix: "B's signal frame at or above A's", then "the vault paid past its
// check".
//
// -DNO_STORES: no stores; B lands below A, its record is voided, the program
// ends normally ("ok").
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t > %t.out 2>&1 || true
// RUN: FileCheck %s < %t.out
// CHECK-NOT: paid past its check
// CHECK: B's signal frame below A's
// CHECK-NOT: paid past its check
// CHECK: bulkhead: error:
#define _GNU_SOURCE
#include "Inputs/check.h"
#include "Inputs/tls-words.h"
#include <setjmp.h>

static uintptr_t *vault_slot, *handler_top, fresh_top;

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

#define NAME "attacks-review11-restart-nested"
#define ATTACK_SETUP                                                           \
  vault_slot = tls_word("__bulkhead_stack.vault");                             \
  handler_top = tls_word_if("handler_top"); /* signals.c, before the fix */    \
  printf("key-0 word of the handler's top: %s\n",                              \
         handler_top ? "yes" : "none");                                        \
  fresh_top = *vault_slot; /* nothing of the vault live: its fresh top */      \
  printf("vault slot at rest %#lx\n", (unsigned long)fresh_top)
#define ATTACK_IN_A inner_error_handling()
#ifndef NO_STORES
#define ATTACK_BEFORE_FIRST *vault_slot = fresh_top /* store 1 */
#endif
#include "Inputs/nested-withdraw.h"
