// A second thread that scribbles over the first thread's default stack
// while the first is inside the vault cannot change the vault's control
// flow: the vault finishes and returns its result. Nor can the default
// domain read the vault's frames: a read of a vault local faults with the
// vault's key. Threads' vault stacks are returned at exit and reused.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -fpkey-compartment-stacks -O0 %s -o %t0 -lpthread && %run %t0 | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -fpkey-compartment-stacks -O2 %s -o %t2 -lpthread && %run %t2 | FileCheck %s
// Without the option the vault frames are on the default stack: the test sees it.
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-compartment-stacks -O2 %s -o %tshared -lpthread && not %run %tshared
#include "Inputs/check.h"
#include <pthread.h>
#include <stdatomic.h>

BULKHEAD_DATA(vault) static long secret = 777;

static _Atomic int inside, scribbled;
static _Atomic uintptr_t vault_local;
static uintptr_t caller_local;

BULKHEAD_INTERNAL(vault) long work(long x) {
  volatile long keep[16];
  for (int i = 0; i < 16; i++)
    keep[i] = x + i + secret;
  vault_local = (uintptr_t)keep;
  inside = 1;
  while (!scribbled)
    ;
  long t = 0;
  for (int i = 0; i < 16; i++)
    t += keep[i];
  return t;
}
BULKHEAD_ENTRY(vault) long vault_work(long x) { return work(x); }

static void *victim(void *arg) {
  (void)arg;
  volatile long here = 0;
  caller_local = (uintptr_t)&here;
  long r = vault_work(5);
  return (void *)r;
}

/* What would be the vault's frames on a shared stack: the 64 KiB below the
 * victim's caller frame. */
static void scribble(void) {
  volatile uintptr_t *p = (uintptr_t *)(caller_local - 1024);
  for (int i = 0; i < 8192; i++)
    p[-i] = 0x4141414141414141;
}

static void read_word(void *p) { (void)*(volatile long *)p; }

BULKHEAD_ENTRY(vault) uintptr_t vault_frame(void) {
  volatile long x = secret;
  return (uintptr_t)&x;
}

static void *short_lived(void *arg) {
  *(uintptr_t *)arg = vault_frame();
  return NULL;
}

int main(void) {
  int vault = bulkhead_compartment_pkey("vault");
  pthread_t t;
  CHECK(pthread_create(&t, NULL, victim, NULL) == 0);
  while (!inside)
    ;
  CHECK(page_pkey((void *)vault_local) == vault);
  struct outcome o = run_in_child(read_word, (void *)vault_local);
  CHECK(o.signo == SIGSEGV && o.code == SEGV_PKUERR && o.pkey == vault);
  scribble();
  scribbled = 1;
  void *r;
  CHECK(pthread_join(t, &r) == 0);
  CHECK((long)r == 16 * (5 + 777) + 120);

  /* 4 threads at a time, 25 rounds: their vault stacks are reused. */
  uintptr_t seen[100];
  int distinct = 0;
  uintptr_t mibs[100];
  for (int round = 0; round < 25; round++) {
    pthread_t ts[4];
    for (int i = 0; i < 4; i++)
      CHECK(pthread_create(&ts[i], NULL, short_lived, &seen[round * 4 + i]) == 0);
    for (int i = 0; i < 4; i++)
      CHECK(pthread_join(ts[i], NULL) == 0);
  }
  for (int i = 0; i < 100; i++) {
    uintptr_t mib = seen[i] >> 20; /* stacks are 1 MiB apart; a frame near a top */
    int j = 0;
    while (j < distinct && mibs[j] != mib)
      j++;
    if (j == distinct)
      mibs[distinct++] = mib;
  }
  printf("distinct vault stacks for 100 threads: %d\n", distinct);
  CHECK(distinct >= 1 && distinct <= 5);
  printf("stacks-threads: ok\n");
  return 0;
}
// CHECK: stacks-threads: ok
