// A generator: a context on a stack of its own calls into the vault, which
// calls the program's yield out of it (a call out), which swapcontexts to
// main; main switches back each time and the call out returns into the
// vault. A swap to another stack leaves the switching context live (it is
// switched back to): the interposed swapcontext voids only the calls out
// nested in entries made from the stack it switches to (review 59a;
// runtime/stacks.c, bh_stack_void_switched), so each way back is taken.
// Between the swaps main makes an entry of its own into the vault, and the
// generator's last return goes to main through uc_link (context.c).
// Seen in the guest with the switch voiding as a longjmp does (no
// one-stack check): the first way back refused (SIGILL).
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t && %run %t | FileCheck %s
// CHECK: yield 1 (total 1)
// CHECK-NEXT: yield 2 (total 3)
// CHECK-NEXT: yield 3 (total 6)
// CHECK-NEXT: generated 6
// CHECK-NEXT: context-swap-callout: ok
#include "Inputs/check.h"
#include <ucontext.h>

BULKHEAD_DATA(vault) static int total;

void app_yield(int v);

BULKHEAD_ENTRY(vault) int vault_generate(int n) {
  for (int i = 1; i <= n; i++) {
    total += i;
    app_yield(i);
  }
  return total;
}

BULKHEAD_ENTRY(vault) int vault_total(void) { return total; }

static ucontext_t main_ctx, gen_ctx;
static char gen_stack[65536] __attribute__((aligned(16)));
static volatile int yielded, generated, done;

__attribute__((noinline)) void app_yield(int v) {
  yielded = v;
  CHECK(swapcontext(&gen_ctx, &main_ctx) == 0);
}

static void gen_main(void) {
  generated = vault_generate(3);
  done = 1;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  CHECK(getcontext(&gen_ctx) == 0);
  gen_ctx.uc_stack.ss_sp = gen_stack;
  gen_ctx.uc_stack.ss_size = sizeof gen_stack;
  gen_ctx.uc_link = &main_ctx;
  makecontext(&gen_ctx, gen_main, 0);
  for (int round = 0; round < 4 && !done; round++) {
    CHECK(swapcontext(&main_ctx, &gen_ctx) == 0);
    if (!done)
      printf("yield %d (total %d)\n", yielded, vault_total());
  }
  CHECK(done);
  printf("generated %d\n", generated);
  printf("context-swap-callout: ok\n");
  return 0;
}
