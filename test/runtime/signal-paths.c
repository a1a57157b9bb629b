// Every way of installing a handler gives the same answer: the handler runs
// with its own domain's PKRU whichever domain the signal interrupted, and
// the interrupted code continues with exactly the PKRU it had (the kernel
// restores it from the signal frame). Covered: sigaction with SA_SIGINFO,
// signal(), SA_ONSTACK on a sigaltstack in default memory; handlers of the
// default domain and annotated into a compartment; installed from the
// default domain and from inside a compartment (the address taken there);
// interrupting the default domain and two compartments.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -DSTACKS=1 -O2 %s -o %t && %run %t | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -DSTACKS=1 -O0 %s -o %t0 && %run %t0 | FileCheck %s
// With per-compartment stacks (the default) a vault handler runs on the
// vault's stack when its pointer was made in the default domain; with
// shared stacks it runs where the others do.
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-compartment-stacks -O2 %s -o %ts && %run %ts | FileCheck %s
// CHECK: signal-paths: 36 combinations ok
#include "Inputs/check.h"
#include "Inputs/sigframe.h"

#ifndef STACKS
#define STACKS 0
#endif

BULKHEAD_DATA(vault) static volatile int secret = 77;

/* What the last handler saw; default-domain data, writable by every domain. */
static volatile uint32_t seen_pkru, seen_frame_pkru;
static volatile int seen_secret;
static volatile uintptr_t seen_stack;

static void record(void *uc) {
  int local;
  seen_pkru = test_rdpkru();
  seen_frame_pkru = uc ? frame_pkru(uc) : 0;
  seen_stack = (uintptr_t)&local;
}
static void plain_info(int sig, siginfo_t *si, void *uc) {
  (void)sig, (void)si;
  record(uc);
}
static void plain_1(int sig) {
  (void)sig;
  record(NULL);
}
BULKHEAD_ENTRY(vault) void vault_info(int sig, siginfo_t *si, void *uc) {
  (void)sig, (void)si;
  record(uc);
  seen_secret = secret;
}
BULKHEAD_ENTRY(vault) void vault_1(int sig) {
  (void)sig;
  record(NULL);
  seen_secret = secret;
}

enum api { SIGINFO, SIGNAL, ONSTACK };

/* Installs the handler of domain `vault_handler` for `api`. Called both from
 * the default domain and (below) from inside the vault, so each handler's
 * address is taken in each of the two: a static helper called from the
 * vault gets a copy of its own in the vault (docs/design.md). */
static void install(int sig, enum api api, int vault_handler) {
  if (api == SIGNAL) {
    CHECK(signal(sig, vault_handler ? vault_1 : plain_1) != SIG_ERR);
    return;
  }
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = vault_handler ? vault_info : plain_info;
  sa.sa_flags = SA_SIGINFO | (api == ONSTACK ? SA_ONSTACK : 0);
  CHECK(sigaction(sig, &sa, NULL) == 0);
}
BULKHEAD_ENTRY(vault) void vault_install(int sig, int api, int vault_handler) {
  install(sig, (enum api)api, vault_handler);
}

/* Raise from each domain; return the PKRU the code had afterwards, or 0 if
 * it differs from before (or the vault lost its data). */
static uint32_t default_raise(int sig) {
  uint32_t before = test_rdpkru();
  raise(sig);
  return test_rdpkru() == before ? before : 0;
}
BULKHEAD_ENTRY(vault) uint32_t vault_raise(int sig) {
  uint32_t before = test_rdpkru();
  raise(sig);
  return test_rdpkru() == before && secret == 77 ? before : 0;
}
BULKHEAD_ENTRY(other) uint32_t other_raise(int sig) {
  uint32_t before = test_rdpkru();
  raise(sig);
  return test_rdpkru() == before ? before : 0;
}

static char alt_stack[1 << 16]; /* default memory: see docs/signals.md */

int main(void) {
  const uint32_t dflt = bulkhead_domain_pkru(NULL);
  const uint32_t vault = bulkhead_domain_pkru("vault");
  const uint32_t other = bulkhead_domain_pkru("other");
  CHECK(dflt && vault && other && dflt != vault && vault != other);
  stack_t ss = {.ss_sp = alt_stack, .ss_size = sizeof alt_stack};
  CHECK(sigaltstack(&ss, NULL) == 0);

  uint32_t (*const raisers[3])(int) = {default_raise, vault_raise, other_raise};
  const uint32_t raiser_pkru[3] = {dflt, vault, other};
  int n = 0;
  for (int api = SIGINFO; api <= ONSTACK; api++)
    for (int from_vault = 0; from_vault < 2; from_vault++)
      for (int vault_handler = 0; vault_handler < 2; vault_handler++) {
        if (from_vault)
          vault_install(SIGUSR1, api, vault_handler);
        else
          install(SIGUSR1, api, vault_handler);
        for (int r = 0; r < 3; r++) {
          seen_pkru = seen_frame_pkru = 0;
          seen_secret = 0;
          CHECK(raisers[r](SIGUSR1) == raiser_pkru[r]);
          CHECK(seen_pkru == (vault_handler ? vault : dflt));
          CHECK(seen_secret == (vault_handler ? 77 : 0));
          if (api != SIGNAL)
            CHECK(seen_frame_pkru == raiser_pkru[r]);
          int on_alt = seen_stack >= (uintptr_t)alt_stack &&
                       seen_stack < (uintptr_t)alt_stack + sizeof alt_stack;
          if (!STACKS || !vault_handler)
            CHECK(on_alt == (api == ONSTACK));
          else if (!from_vault)
            CHECK(page_pkey((void *)seen_stack) == bulkhead_compartment_pkey("vault"));
          n += r == 2;
        }
        CHECK(test_rdpkru() == dflt);
      }
  printf("signal-paths: %d combinations ok\n", n * 3);
  return 0;
}
