// BULKHEAD_STATS=1 prints, at exit, each compartment's crossings: entries
// (3 direct calls, 1 through a pointer, 1 from a second thread), calls out
// (the 4 callbacks of the calls with a callback), pointer-wrapper calls
// (the 1 call through the pointer), stacks created (one per thread that
// entered: 2) and its heap in use and at its peak (one live 200-byte block
// of the compartment's heap, 224 bytes as mimalloc rounds it, after a
// 1000-byte block, 1024 bytes, came and went). Without the variable it
// prints nothing. Without compartment stacks (-O0) the entries and wrapper
// calls are the same; calls out through function pointers are not counted
// there (the wrapper does not know its caller), and no stacks are made.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t -lpthread
// RUN: env BULKHEAD_STATS=1 %run %t 2>&1 | FileCheck %s
// RUN: %run %t 2>&1 | FileCheck %s --check-prefix=OFF
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-compartment-stacks -O0 %s -o %t.flat -lpthread
// RUN: env BULKHEAD_STATS=1 %run %t.flat 2>&1 | FileCheck %s --check-prefix=FLAT
#include "Inputs/check.h"
#include <pthread.h>

BULKHEAD_DATA(vault) static char *kept;

BULKHEAD_ENTRY(vault) int vault_work(void (*done)(int)) {
  char *scratch = malloc(1000);
  CHECK(scratch);
  free(scratch);
  if (!kept)
    kept = malloc(200);
  if (done)
    done(1);
  return kept != NULL;
}

static int called;
static void note(int v) { called += v; }

static void *thread(void *arg) {
  (void)arg;
  vault_work(note);
  return NULL;
}

int main(void) {
  for (int i = 0; i < 3; i++)
    CHECK(vault_work(i ? note : NULL));
  int (*volatile work)(void (*)(int)) = vault_work;
  CHECK(work(note));
  pthread_t t;
  CHECK(pthread_create(&t, NULL, thread, NULL) == 0);
  CHECK(pthread_join(t, NULL) == 0);
  CHECK(called == 4);
  puts("done");
  return 0;
}
// CHECK: done
// CHECK: bulkhead: stats: compartment 'vault': 5 entries, 4 calls out, 1 pointer-wrapper calls, 2 stacks created, heap 224 bytes in use (peak 1248); 9 crossings in {{[0-9]+}} ms ({{[0-9]+}} per second)
// OFF: done
// OFF-NOT: bulkhead: stats
// FLAT: compartment 'vault': 5 entries, {{[0-9]+}} calls out, 1 pointer-wrapper calls, 0 stacks created,
