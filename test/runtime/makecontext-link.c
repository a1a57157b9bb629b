// makecontext as programs use it, under the runtime's own makecontext
// (runtime/context.c), and natively under glibc's: the same checks hold.
// - arguments: eight ints (two on the new stack, negative ones too) and,
//   as glibc allows on x86-64, a pointer; they survive a swapcontext out
//   of the context and back; the function starts with the stack aligned;
// - uc_link chains: a context returns into the next one, the last into
//   main; a context that calls into the vault;
// - uc_link NULL: the thread's process exits with status 0 (in a child);
// - in a signal handler: a context linked back into the handler, and one
//   linked out of it (the handler is left that way). Afterwards the
//   alternate stack has its full size again (the runtime narrows it while
//   a handler runs; before context.c a handler left through uc_link kept
//   it narrowed) and a signal in the vault is still handled.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t && %run %t | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -O0 %s -o %t0 && %run %t0 | FileCheck %s
// RUN: %clang -O2 -I%prefix/include %s -o %t.native && %t.native | FileCheck %s
// CHECK: args 1 -2 3 -4 5 -6 7 -8
// CHECK-NEXT: resumed 7 -8
// CHECK-NEXT: second 42
// CHECK-NEXT: third 5
// CHECK-NEXT: back in main
// CHECK: makecontext-link: ok
#include "Inputs/check.h"
#include <ucontext.h>

BULKHEAD_DATA(vault) static volatile int secret = 5;
BULKHEAD_ENTRY(vault) int vault_get(void) { return secret; }

static ucontext_t main_ctx, first, second, third;
static char stacks[3][32768] __attribute__((aligned(16)));
static volatile long sum;

static void check_aligned(void) {
  /* The frame pointer is 16-aligned iff the function began with the
   * stack pointer 8 below a 16-byte boundary, as after a call. */
  CHECK((uintptr_t)__builtin_frame_address(0) % 16 == 0);
}

static void eight(int a, int b, int c, int d, int e, int f, int g, int h) {
  check_aligned();
  printf("args %d %d %d %d %d %d %d %d\n", a, b, c, d, e, f, g, h);
  /* Out and back: the stack arguments are still there. */
  CHECK(swapcontext(&first, &main_ctx) == 0);
  sum = a + b + c + d + e + f + g + h;
  printf("resumed %d %d\n", g, h);
}
static void with_pointer(long *p) {
  check_aligned();
  printf("second %ld\n", *p);
}
static void into_vault(void) { printf("third %d\n", vault_get()); }

static void make(ucontext_t *ctx, int i, ucontext_t *link) {
  CHECK(getcontext(ctx) == 0);
  ctx->uc_stack.ss_sp = stacks[i];
  ctx->uc_stack.ss_size = sizeof stacks[i];
  ctx->uc_link = link;
}

static void chain(void) {
  static long answer = 42;
  make(&first, 0, &second);
  makecontext(&first, (void (*)(void))eight, 8, 1, -2, 3, -4, 5, -6, 7, -8);
  make(&second, 1, &third);
  makecontext(&second, (void (*)(void))with_pointer, 1, &answer);
  make(&third, 2, &main_ctx);
  makecontext(&third, into_vault, 0);
  CHECK(swapcontext(&main_ctx, &first) == 0);
  /* eight swapped back out: resume it; the chain then ends here. */
  CHECK(swapcontext(&main_ctx, &first) == 0);
  CHECK(sum == -4);
  printf("back in main\n");
}

static void returns(void) {}
static void no_link(void) {
  pid_t pid = fork();
  CHECK(pid >= 0);
  if (!pid) {
    ucontext_t here, last;
    CHECK(getcontext(&last) == 0);
    last.uc_stack.ss_sp = stacks[0];
    last.uc_stack.ss_size = sizeof stacks[0];
    last.uc_link = NULL;
    makecontext(&last, returns, 0);
    swapcontext(&here, &last);
    _exit(3); /* not reached: the context's return exits */
  }
  int status;
  CHECK(waitpid(pid, &status, 0) == pid);
  CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static ucontext_t outside, handler_ctx, co;
static volatile int handled, link_back;
static void in_handler(int sig) {
  (void)sig;
  char stack[16384] __attribute__((aligned(16)));
  handled++;
  make(&co, 0, link_back ? &handler_ctx : &outside);
  co.uc_stack.ss_sp = stack;
  co.uc_stack.ss_size = sizeof stack;
  makecontext(&co, returns, 0);
  CHECK(swapcontext(&handler_ctx, &co) == 0);
  /* Only when linked back here. */
  CHECK(link_back);
}
static void count(int sig) { (void)sig, handled++; }

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  stack_t before, after;
  CHECK(vault_get() == 5);
  CHECK(sigaltstack(NULL, &before) == 0);
  chain();
  no_link();

  CHECK(signal(SIGUSR1, in_handler) != SIG_ERR);
  link_back = 1; /* the handler returns */
  CHECK(raise(SIGUSR1) == 0 && handled == 1);
  CHECK(getcontext(&outside) == 0);
  if (link_back) {
    link_back = 0; /* linked out of the handler: it never returns */
    raise(SIGUSR1);
    CHECK(0);
  }
  CHECK(handled == 2);
  sigset_t unblock;
  sigemptyset(&unblock);
  sigaddset(&unblock, SIGUSR1);
  CHECK(sigprocmask(SIG_UNBLOCK, &unblock, NULL) == 0);
  CHECK(sigaltstack(NULL, &after) == 0);
  CHECK(after.ss_sp == before.ss_sp && after.ss_size == before.ss_size &&
        after.ss_flags == before.ss_flags);
  CHECK(signal(SIGUSR1, count) != SIG_ERR);
  CHECK(raise(SIGUSR1) == 0 && handled == 3);
  printf("makecontext-link: ok\n");
  return 0;
}
