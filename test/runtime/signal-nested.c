// Nested signals: a handler interrupted by another signal, and by itself
// (SA_NODEFER), each level runs with its own domain's PKRU and every
// interrupted level continues with exactly the PKRU it had.
//  1. Synchronous nesting from the compartment 'other': vault handler ->
//     default handler -> vault handler again (SA_NODEFER).
//  2. Asynchronous: an interval timer interrupts a vault handler at
//     arbitrary instructions (also inside gates); the default-domain timer
//     handler runs with the default PKRU, and the vault handler checks its
//     PKRU and reads its data on every loop iteration.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t && %run %t | FileCheck %s
// The timer interrupts the spinning handler and its calls on compartment
// stacks; with shared stacks, on the default one:
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-compartment-stacks -O2 %s -o %ts && %run %ts | FileCheck %s
// CHECK: signal-nested: ok
#include "Inputs/check.h"
#include "Inputs/sigframe.h"
#include <sys/time.h>

BULKHEAD_DATA(vault) static volatile int secret = 77;

static uint32_t dflt, vault, other;
static volatile int depth, log_len;
static struct { int who, depth; uint32_t pkru, frame; } events[16];

static void note(int who, void *uc) {
  if (log_len < 16)
    events[log_len++] = (typeof(events[0])){who, depth, test_rdpkru(),
                                            uc ? frame_pkru(uc) : 0};
}

/* SIGUSR1 handler, in the vault, SA_NODEFER: may interrupt itself. */
BULKHEAD_ENTRY(vault) void vault_usr1(int sig, siginfo_t *si, void *uc) {
  (void)sig, (void)si;
  int d = ++depth;
  note('V', uc);
  if (d == 1) {
    raise(SIGUSR2);
    /* back from a default-domain handler: still the vault, data readable */
    CHECK(test_rdpkru() == vault && secret == 77);
  }
  note('v', NULL);
  depth--;
}
/* SIGUSR2 handler, default domain: raises SIGUSR1 again, into the vault. */
static void plain_usr2(int sig, siginfo_t *si, void *uc) {
  (void)sig, (void)si;
  note('P', uc);
  raise(SIGUSR1);
  note('p', NULL);
}
BULKHEAD_ENTRY(other) uint32_t other_raise(int sig) {
  uint32_t before = test_rdpkru();
  raise(sig);
  return test_rdpkru() == before ? before : 0;
}

/* Part 2. */
static volatile int ticks, ticks_in_vault, bad_tick;
static void plain_alarm(int sig, siginfo_t *si, void *uc) {
  (void)sig, (void)si;
  /* The spin loop runs in the vault and calls into 'other'; a tick may
   * also land in the handler's wrapper before its gate, or in main. */
  uint32_t f = frame_pkru(uc);
  if (test_rdpkru() != dflt)
    bad_tick = 1;
  ticks_in_vault += f == vault || f == other;
  ticks++;
}
BULKHEAD_ENTRY(other) int other_touch(int x) { return x + 1; }
BULKHEAD_ENTRY(vault) void vault_spin(int sig) {
  (void)sig;
  /* Until enough timer signals hit this handler, or a generous bound. */
  for (long i = 0; ticks_in_vault < 20 && i < 400000000L; i++) {
    CHECK(test_rdpkru() == vault && secret == 77);
    CHECK(other_touch((int)i) == (int)i + 1); /* gates out and back */
  }
}

int main(void) {
  dflt = bulkhead_domain_pkru(NULL);
  vault = bulkhead_domain_pkru("vault");
  other = bulkhead_domain_pkru("other");

  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = vault_usr1;
  sa.sa_flags = SA_SIGINFO | SA_NODEFER;
  CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
  sa.sa_sigaction = plain_usr2;
  sa.sa_flags = SA_SIGINFO;
  CHECK(sigaction(SIGUSR2, &sa, NULL) == 0);
  CHECK(other_raise(SIGUSR1) == other);
  CHECK(test_rdpkru() == dflt);

  /* who, depth, PKRU in the handler, PKRU of the code it interrupted */
  CHECK(log_len == 6);
  CHECK(events[0].who == 'V' && events[0].depth == 1 &&
        events[0].pkru == vault && events[0].frame == other);
  CHECK(events[1].who == 'P' && events[1].pkru == dflt && events[1].frame == vault);
  CHECK(events[2].who == 'V' && events[2].depth == 2 &&
        events[2].pkru == vault && events[2].frame == dflt);
  CHECK(events[3].who == 'v' && events[3].depth == 2 && events[3].pkru == vault);
  CHECK(events[4].who == 'p' && events[4].pkru == dflt);
  CHECK(events[5].who == 'v' && events[5].depth == 1 && events[5].pkru == vault);

  /* Part 2: SIGALRM every millisecond while a vault SIGUSR1 handler spins. */
  CHECK(signal(SIGUSR1, vault_spin) != SIG_ERR);
  sa.sa_sigaction = plain_alarm;
  sa.sa_flags = SA_SIGINFO;
  CHECK(sigaction(SIGALRM, &sa, NULL) == 0);
  struct itimerval it = {{0, 1000}, {0, 1000}};
  CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0);
  CHECK(raise(SIGUSR1) == 0);
  struct itimerval off = {{0, 0}, {0, 0}};
  CHECK(setitimer(ITIMER_REAL, &off, NULL) == 0);
  printf("%d ticks, %d in the spinning handler\n", ticks, ticks_in_vault);
  CHECK(!bad_tick && ticks_in_vault >= 20);
  CHECK(test_rdpkru() == dflt);
  printf("signal-nested: ok\n");
  return 0;
}
