// Compartment-to-compartment arguments on a thread's first entry (issue 11,
// break 5): compartment a calls b's entry with values from its data in
// rdi and xmm0. The thread has no stack in b yet, so the trampoline asks
// the runtime for one, with the default domain's rights, on the thread's
// key-0 runtime stack. Before the fix the argument registers were saved
// there, and stayed: the default domain then read them. No word of a's
// secret may be left in key-0 memory.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t && %run %t
// RUN: %bulkhead_clang -fpkey-compartments -O0 %s -o %t0 && %run %t0
#include "Inputs/check.h"
#include <pthread.h>

/* The top of this thread's runtime stack (runtime/stacks.c): key-0. */
extern __thread char *rt_stack __asm__("__bulkhead_rt_stack")
    __attribute__((visibility("hidden")));
#define RT_STACK (64 << 10)

#define SECRET 0x5ec7e75ec7e70001L
#define SECRET_D 1234567.890625
BULKHEAD_DATA(a) static long secret = SECRET;
BULKHEAD_DATA(a) static double secret_d = SECRET_D;

BULKHEAD_ENTRY(b) long b_take(long x, double y) { return x == SECRET && y == SECRET_D; }
BULKHEAD_ENTRY(a) long a_give(void) { return b_take(secret, secret_d); }

static int found;
static void *first_entry(void *unused) {
  (void)unused;
  CHECK(a_give() == 1); /* this thread's first entry into b, from a */
  /* The attacker: read the runtime stack, key-0 memory. */
  CHECK(rt_stack);
  long sl = SECRET;
  double sd = SECRET_D;
  for (char *p = rt_stack - RT_STACK; p + 8 <= rt_stack; p += 8)
    if (!memcmp(p, &sl, 8) || !memcmp(p, &sd, 8)) {
      fprintf(stderr, "attacks-first-entry: a's argument at %p on the runtime stack\n",
              (void *)p);
      found = 1;
    }
  return NULL;
}

int main(void) {
  pthread_t t;
  CHECK(pthread_create(&t, NULL, first_entry, NULL) == 0);
  CHECK(pthread_join(t, NULL) == 0);
  CHECK(!found);
  printf("attacks-first-entry: ok\n");
  return 0;
}
