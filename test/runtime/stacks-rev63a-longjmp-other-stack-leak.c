// Review 63a: an honest program that b5f0569 makes run out of the vault's
// stack (no attacker at all; a denial any thread triggers by such calls).
//
// The program: a coroutine (makecontext, its own mmap'd stack) calls
// vault_outer, which calls out to cb (a static trampoline: the call out's
// record, its marked cookie, stays on the vault's stack), which calls
// vault_inner, which longjmps (with the vault's rights) to main's setjmp
// on the main stack, abandoning the coroutine. 3000 times.
//
// Why it leaks: the jump leaves the vault's mark low. runtime/stacks.c
// bh_stack_left voids the stack's records only if the outermost entry's
// caller's stack pointer and the jump's target lie on one mapping
// (one_stack); here they do not (coroutine stack, main stack), so
// vault_outer's record keeps its cookie. The next entry finds its slot
// at the fresh top (the pass put the slot back after setjmp), and the
// restart's scan (pass/AsmEmitter.cpp loadStackTop) sees the dead record's
// cookie above the mark: it continues at the mark instead of restarting.
// Each round so sinks the mark by one round's depth (about 4.3 KiB here)
// until the 1 MiB stack's guard.
//
// Seen in the guest (LLVM 19, -O2): "bulkhead: SIGSEGV (invalid
// permissions) ... in compartment 'vault'" after about 235 rounds, 3 of 3;
// the same program built by b5f0569^ (the restart unconditional) ran the
// 3000 rounds, 3 of 3; from main's own stack (argument "main": one
// mapping, bh_stack_left voids) 3000 rounds now too.
//
// Suggested fix: a longjmp with a compartment's rights to a target off
// its stack voids the records of its entries whose caller's stack is
// not the target's too, unless that stack may be switched back to (the
// question bh_stack_void_switched answers for contexts), or an entry
// that finds records only of calls out whose way back can no longer run
// (their saved default-stack pointer on a mapping the thread has left)
// restarts anyway; or the entry frame records which default stack it
// came from, so bh_stack_left can tell an abandoned one.
// Fixed (runtime/stacks.c bh_stack_left): a jump to another stack leaves
// the outermost entry too; only a target deeper than the entry's caller on
// the caller's own stack keeps it. Before, the SIGSEGV above 3 of 3; after,
// 3000 rounds in both modes, 3 of 3.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t main | FileCheck %s
// RUN: %run %t | FileCheck %s
// CHECK: round 1000
// CHECK: round 2000
// CHECK: jumps out: 3000
// CHECK: stacks-rev63a-longjmp-other-stack-leak: end
#include "Inputs/check.h"
#include <setjmp.h>
#include <sys/mman.h>
#include <ucontext.h>

#define CO_STACK (64u << 10)

static jmp_buf jb;
void cb(void);
BULKHEAD_ENTRY(vault) void vault_inner(void) { longjmp(jb, 1); }
BULKHEAD_ENTRY(vault) int vault_outer(void) {
  volatile char pad[4096];
  for (int k = 0; k < 4096; k += 64)
    pad[k] = 1;
  cb(); /* a static call out */
  return pad[64];
}
__attribute__((noinline)) void cb(void) { vault_inner(); }

static ucontext_t mainctx, co;
static void co_main(void) { vault_outer(); }

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int from_main = argc > 1 && !strcmp(argv[1], "main");
  char *cs = mmap(NULL, CO_STACK, PROT_READ | PROT_WRITE,
                  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(cs != MAP_FAILED);
  int n = 0;
  for (volatile int i = 1; i <= 3000; i++) {
    if (!setjmp(jb)) {
      if (from_main)
        vault_outer();
      else {
        CHECK(getcontext(&co) == 0);
        co.uc_stack.ss_sp = cs;
        co.uc_stack.ss_size = CO_STACK;
        co.uc_link = &mainctx;
        makecontext(&co, co_main, 0);
        CHECK(swapcontext(&mainctx, &co) == 0);
      }
    } else
      n++;
    if (i % 1000 == 0)
      printf("round %d\n", i);
  }
  printf("jumps out: %d\n", n);
  puts("stacks-rev63a-longjmp-other-stack-leak: end");
  return 0;
}
