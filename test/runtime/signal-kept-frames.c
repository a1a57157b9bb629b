// A timer interrupts a compartment that calls out to the default domain in
// a tight loop, so that signals land in its code, on its stack, and inside
// the gates between a WRPKRU and a stack switch (both ways). Each such
// frame is resumed from the copy the dispatcher keeps on the compartment's
// stack (runtime/signals.c); every result must still be exact, and the
// copy must not overwrite what the gates write below the stack slot.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t && %run %t | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-compartment-stacks -O2 %s -o %ts && %run %ts | FileCheck %s
// CHECK: signal-kept-frames: ok
#include "Inputs/check.h"
#include <sys/time.h>

BULKHEAD_DATA(vault) static long acc;
static volatile long ticks;

__attribute__((noinline)) long app_step(long x) { return x * 3 + 1; }

BULKHEAD_ENTRY(vault) long vault_run(long n) {
  long s = 0;
  acc = 0;
  for (long i = 0; i < n; i++) {
    s += app_step(i) ^ acc;
    acc += 1;
  }
  return s;
}

static void tick(int sig) {
  (void)sig;
  ticks++;
}

int main(void) {
  long expect = 0;
  for (long i = 0; i < 20000; i++)
    expect += (i * 3 + 1) ^ i;
  CHECK(signal(SIGALRM, tick) != SIG_ERR);
  struct itimerval it = {{0, 100}, {0, 100}};
  CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0);
  for (int r = 0; r < 20; r++)
    CHECK(vault_run(20000) == expect);
  struct itimerval off = {{0, 0}, {0, 0}};
  CHECK(setitimer(ITIMER_REAL, &off, NULL) == 0);
  CHECK(ticks > 100);
  puts("signal-kept-frames: ok");
  return 0;
}
