// Stress: several threads each make many round trips into the vault while
// the main thread keeps sending them signals. PKRU is checked after every
// return (the default domain's exact value) and in every handler (the
// handler's own domain), and the vault checks its own rights on every entry.
// Four threads make a million crossings each (about 30 s in the QEMU guest).
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 -pthread %s -o %t
// RUN: %run %t 4 1000000 | FileCheck %s
#include "Inputs/check.h"
#include <pthread.h>
#include <stdatomic.h>

BULKHEAD_DATA(vault) static long vault_calls;
BULKHEAD_DATA(vault) static uint32_t vault_pkru;

static uint32_t dflt;
static atomic_long bad_returns, bad_vault, bad_handlers, handled;
static atomic_int stop;

/* Checks, inside the vault, that the vault's rights are installed. */
BULKHEAD_ENTRY(vault) int vault_step(void) {
  __atomic_fetch_add(&vault_calls, 1, __ATOMIC_RELAXED);
  return test_rdpkru() == vault_pkru;
}
BULKHEAD_ENTRY(vault) void vault_setup(void) { vault_pkru = test_rdpkru(); }
BULKHEAD_ENTRY(vault) long vault_total(void) { return vault_calls; }

/* A default-domain handler: whatever it interrupted, it has default rights. */
static void on_signal(int sig) {
  (void)sig;
  if (test_rdpkru() != dflt)
    atomic_fetch_add(&bad_handlers, 1);
  atomic_fetch_add(&handled, 1);
}

static long crossings;
static void *worker(void *unused) {
  (void)unused;
  for (long i = 0; i < crossings; i++) {
    if (!vault_step())
      atomic_fetch_add(&bad_vault, 1);
    if (test_rdpkru() != dflt)
      atomic_fetch_add(&bad_returns, 1);
  }
  return NULL;
}

int main(int argc, char **argv) {
  CHECK(argc == 3);
  int nthreads = atoi(argv[1]);
  crossings = atol(argv[2]);
  CHECK(nthreads > 0 && nthreads <= 64 && crossings > 0);
  dflt = bulkhead_domain_pkru(NULL);
  vault_setup();
  CHECK(signal(SIGUSR1, on_signal) != SIG_ERR);

  pthread_t t[64];
  for (int i = 0; i < nthreads; i++)
    CHECK(pthread_create(&t[i], NULL, worker, NULL) == 0);
  /* Signal the workers while they run; ESRCH once one has finished. */
  long sent = 0;
  for (int done = 0; !done;) {
    done = 1;
    for (int i = 0; i < nthreads; i++)
      if (pthread_kill(t[i], SIGUSR1) == 0)
        sent++, done = 0;
    if (sent > 100000)
      break;
    sched_yield();
    if (vault_total() >= (long)nthreads * crossings)
      break;
  }
  for (int i = 0; i < nthreads; i++)
    CHECK(pthread_join(t[i], NULL) == 0);

  CHECK(vault_total() == (long)nthreads * crossings);
  CHECK(atomic_load(&bad_returns) == 0);
  CHECK(atomic_load(&bad_vault) == 0);
  CHECK(atomic_load(&bad_handlers) == 0);
  CHECK(atomic_load(&handled) > 0);
  printf("stress: %d threads x %ld crossings, %ld signals handled: ok\n",
         nthreads, crossings, atomic_load(&handled));
  return 0;
}
// CHECK: stress: 4 threads x 1000000 crossings, {{[0-9]+}} signals handled: ok
