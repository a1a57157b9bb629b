// Handlers left by siglongjmp or longjmp, thousands of times: the runtime
// narrows the alternate signal stack while a handler runs, and a jump skips
// the rt_sigreturn that would widen it again, so the interposed jumps do.
// Afterwards the alternate stack has its full size and a signal taken
// inside the vault, on its own stack, is still handled. (Found in review:
// the stack shrank by a frame per jump until delivery failed.) A longjmp
// that stays inside a handler (libpng-style error handling) keeps it
// narrowed: a signal nested after it must not land on the first one's
// frame (found in a second review).
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t && %run %t | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-compartment-stacks -O2 %s -o %ts && %run %ts | FileCheck %s
// CHECK: signal-jump-loop: ok
#include "Inputs/check.h"
#include <setjmp.h>

BULKHEAD_DATA(vault) static volatile int secret = 5;
static sigjmp_buf sjb;
static jmp_buf jb;
static volatile int handled;

static void sig_jump(int sig) { (void)sig; siglongjmp(sjb, 1); }
static void plain_jump(int sig) { (void)sig; longjmp(jb, 1); }
static void count(int sig) { (void)sig; handled++; }

static volatile int inner_runs, nested_runs;
static void nested(int sig) { (void)sig; nested_runs++; }
static void jumps_inside(int sig) {
  (void)sig;
  inner_runs++;
  jmp_buf local;
  if (!setjmp(local))
    longjmp(local, 1); /* stays within this handler */
  raise(SIGUSR2);      /* nested signal, after the jump */
}

BULKHEAD_ENTRY(vault) int vault_raise(int sig) {
  raise(sig);
  return secret;
}

int main(void) {
  stack_t before, after;
  CHECK(vault_raise(0) == 5); /* the vault has its stack */
  CHECK(sigaltstack(NULL, &before) == 0 && before.ss_size > 0);
  CHECK(signal(SIGUSR1, sig_jump) != SIG_ERR);
  CHECK(signal(SIGUSR2, plain_jump) != SIG_ERR);
  for (int i = 0; i < 3000; i++) {
    if (!sigsetjmp(sjb, 1))
      (void)(i % 2 ? raise(SIGUSR1) : vault_raise(SIGUSR1));
    if (!setjmp(jb))
      (void)(i % 2 ? vault_raise(SIGUSR2) : raise(SIGUSR2));
    /* longjmp does not restore the mask: SIGUSR2 stays blocked */
    sigset_t unblock;
    sigemptyset(&unblock);
    sigaddset(&unblock, SIGUSR2);
    CHECK(sigprocmask(SIG_UNBLOCK, &unblock, NULL) == 0);
  }
  CHECK(sigaltstack(NULL, &after) == 0);
  CHECK(after.ss_sp == before.ss_sp && after.ss_size == before.ss_size);
  CHECK(signal(SIGUSR1, count) != SIG_ERR);
  CHECK(vault_raise(SIGUSR1) == 5 && handled == 1);
  CHECK(signal(SIGUSR1, jumps_inside) != SIG_ERR);
  CHECK(signal(SIGUSR2, nested) != SIG_ERR);
  CHECK(vault_raise(SIGUSR1) == 5);
  CHECK(inner_runs == 1 && nested_runs == 1);
  CHECK(test_rdpkru() == bulkhead_domain_pkru(NULL));
  printf("signal-jump-loop: ok\n");
  return 0;
}
