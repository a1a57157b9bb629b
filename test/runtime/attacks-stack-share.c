// Data-only attack on the compartment stacks' allocation state (issue 11,
// item 5): while thread A runs in the vault on its vault stack, the
// attacker clears, with plain stores, the runtime's record that the stacks
// are taken (before the fix a key-0 bitmap); thread B then enters the
// vault. Two threads must never share a stack of the vault: either the
// stores fault (the record is read-only) or B gets a stack of its own.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t && %run %t
#include "Inputs/check.h"
#include <pthread.h>

/* The runtime's record of which stacks are taken (runtime/stacks.c). */
extern char stack_owners[] __asm__("__bulkhead_stack_owners")
    __attribute__((visibility("hidden")));

#define MIB (1ul << 20)

static pthread_barrier_t inside, attacked;
static volatile uintptr_t sp_a, sp_b;

__attribute__((noinline)) void wait_outside(void) {
  pthread_barrier_wait(&inside);   /* A is in the vault, on its stack */
  pthread_barrier_wait(&attacked); /* until B has entered too */
}
BULKHEAD_ENTRY(vault) uintptr_t vault_sp(void) {
  return (uintptr_t)__builtin_frame_address(0);
}
BULKHEAD_ENTRY(vault) void vault_hold(void) {
  sp_a = (uintptr_t)__builtin_frame_address(0);
  wait_outside(); /* a call out: A's vault frames stay on its stack */
}

static void *thread_a(void *unused) {
  (void)unused;
  vault_hold();
  return NULL;
}
static void *thread_b(void *unused) {
  (void)unused;
  sp_b = vault_sp();
  return NULL;
}

static void scenario(void *unused) {
  (void)unused;
  pthread_barrier_init(&inside, NULL, 2);
  pthread_barrier_init(&attacked, NULL, 2);
  pthread_t a, b;
  CHECK(pthread_create(&a, NULL, thread_a, NULL) == 0);
  pthread_barrier_wait(&inside);
  /* The attack: every stack of the vault marked free. */
  for (int i = 0; i < 64; i++)
    ((volatile char *)stack_owners)[i] = 0;
  CHECK(pthread_create(&b, NULL, thread_b, NULL) == 0);
  CHECK(pthread_join(b, NULL) == 0);
  pthread_barrier_wait(&attacked);
  CHECK(pthread_join(a, NULL) == 0);
  /* Frames near the top of one stack, or of two stacks 1 MiB apart. */
  uintptr_t apart = sp_a > sp_b ? sp_a - sp_b : sp_b - sp_a;
  if (apart < MIB / 2)
    fprintf(stderr, "attacks-stack-share: threads A and B share the vault stack "
                    "at %#lx\n", (unsigned long)sp_a);
  CHECK(sp_a && sp_b && apart >= MIB / 2);
}

int main(void) {
  /* main holds no vault stack: A gets the first one free. */
  struct outcome o = run_in_child(scenario, NULL);
  /* A fault must be the attacker's store on the record, not elsewhere. */
  if (o.signo && (o.addr < (uintptr_t)stack_owners || o.addr >= (uintptr_t)stack_owners + 64))
    fprintf(stderr, "attacks-stack-share: signal %d (code %d) at %#lx\n", o.signo, o.code,
            (unsigned long)o.addr);
  if (o.signo)
    CHECK(o.signo == SIGSEGV && o.addr >= (uintptr_t)stack_owners &&
          o.addr < (uintptr_t)stack_owners + 64);
  printf("attacks-stack-share: ok (%s)\n", o.signo ? "the stores faulted" : "no effect");
  return 0;
}
