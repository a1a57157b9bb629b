// Attacker model A (key-0 loads and stores only): the two stores of
// attacks-review12-setcontext-widen.c, and an honest program that leaves
// one signal handler through a makecontext coroutine's uc_link instead of
// by setcontext: that test's program built with -DUC_LINK (compartments
// 'vault' and 'bank', Inputs/nested-withdraw.h).
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
// ends "ok" (-DNO_SETCONTEXT: no early exit at all).
//
// Fixed: makecontext is interposed (runtime/context.c): the context's
// function returns into the runtime, which resumes uc_link through the
// interposed setcontext, so leaving the handler this way clears the GS
// base as setcontext does, and B lands below A. Checked in the PKU guest:
// before the fix this test printed "B's signal frame at or above A's" and
// "the bank paid past its check"; after it, it ends "ok".
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 -DUC_LINK %S/attacks-review12-setcontext-widen.c -o %t
// RUN: %run %t > %t.out 2>&1 || true
// RUN: FileCheck %s < %t.out
// CHECK-NOT: paid past its check
// CHECK: B's signal frame below A's
// CHECK-NOT: paid past its check
// CHECK: attacks-review12d-uclink: ok
