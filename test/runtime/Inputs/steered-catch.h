/* steered-catch.h - the scene of the attacks that steer the vault's
 * unwinder, from d1's frame, into a catch off the compartment's stacks
 * (attacks-rev64a-shared-catch-unwind.cpp, attacks-rev68a-*): vault_check
 * (the entry that throws E), d1 (honest default-domain code with frame
 * pointers: it keeps s in rbx, calls the test's hook() - the attacker's
 * stores - then the vault, then stores *s to the test's `sink`) and d2,
 * and steered_catch_main(). Include it after catch-landing.h and the
 * test's `sink`; the test defines hook() and its find_site(), which sets
 * `site`, where d1 returns to. */
#ifndef BULKHEAD_TEST_STEERED_CATCH_H
#define BULKHEAD_TEST_STEERED_CATCH_H
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Throws unless told not to (so callers' code after it stays). */
extern "C" BULKHEAD_ENTRY(vault) void vault_check(long code, int ok) {
  if (!ok)
    throw E{code};
}
static volatile int ok; /* 0 */

static int attack = 1;
static char *d1_fp;    /* d1's frame pointer: key-0 stack */
static uintptr_t site; /* where d1 returns to: the catch's call site */

static __attribute__((noinline)) void hook(void);

/* Honest default-domain code with frame pointers: d1 keeps s in rbx. */
extern "C" __attribute__((noinline)) void d1(long *s) {
  long *keep = s;
  d1_fp = (char *)__builtin_frame_address(0);
  hook();
  vault_check(42, ok);
  sink = *keep;
}

extern "C" __attribute__((noinline)) void d2(long *s) {
  d1(s);
  __asm__ volatile("");
}

/* main: "control" leaves the hook out; find_site() failing prints
 * "error: not WHAT this test was written for" (exit 2); thread 2 watches
 * for `landed` while main calls d2 in a try. */
static int steered_catch_main(int argc, char **argv, int (*find_site)(void),
                              const char *what) {
  setvbuf(stdout, NULL, _IONBF, 0);
  if (argc > 1 && !strcmp(argv[1], "control"))
    attack = 0;
  if (!find_site()) {
    printf("error: not %s this test was written for\n", what);
    return 2;
  }
  pthread_t t;
  pthread_create(&t, NULL, watch, NULL);
  long status = 0;
  try {
    d2(&status);
  } catch (E &e) {
    printf("caught E %ld in main\n", e.v);
  }
  report(0, status);
  printf("done\n");
  return 0;
}
#endif
