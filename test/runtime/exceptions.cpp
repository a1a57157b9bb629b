// A C++ exception thrown inside a compartment and caught in the default
// domain, through frames that have no landing pad of their own, arrives with
// the default domain's rights: every landing pad re-enters its function's
// domain. Found in review (before, the handler could read vault data).
// REQUIRES: pku
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 %s -o %t && %run %t
// With BULKHEAD_STATS=1, the size of the largest frame's copy of unwind
// rules the unwinder read with the vault's rights (runtime/unwind-copy.c).
// RUN: env BULKHEAD_STATS=1 %run %t 2>&1 | FileCheck %s --check-prefix=STATS
// STATS: bulkhead: stats: the largest copy of a frame's unwind rules: {{[1-9][0-9]*}} bytes of a slot's 4080
// RUN: %bulkhead_clangxx -fpkey-compartments -O0 %s -o %t0 && %run %t0
// The exception unwinds through the trampoline, from the vault's stack back
// to the default one (its CFI finds the caller's stack pointer where the
// trampoline saved it); with shared stacks there is no switch to unwind:
// RUN: %bulkhead_clangxx -fpkey-compartments -fno-pkey-compartment-stacks -O2 %s -o %ts && %run %ts
#include "Inputs/check.h"
#include <cstdio>

BULKHEAD_DATA(vault) int vault_secret = 0x5ec7e7;
extern "C" BULKHEAD_ENTRY(vault) void vault_parse(int bad) {
  if (bad)
    throw 42;
  vault_secret++;
}

/* Plain calls, no cleanups: the unwinder passes these frames without
 * running any of their code. */
__attribute__((noinline)) void step(int bad) { vault_parse(bad); }
__attribute__((noinline)) void run(int bad) { step(bad); }

static uint32_t pkru_in_handler;
static void catch_then_read(void *) {
  try {
    run(1);
  } catch (int) {
    (void)*(volatile int *)&vault_secret; /* must fault */
  }
}

int main() {
  try {
    run(1);
    CHECK(!"no exception");
  } catch (int e) {
    CHECK(e == 42);
    pkru_in_handler = test_rdpkru();
  }
  CHECK(pkru_in_handler == bulkhead_domain_pkru(NULL));
  struct outcome o = run_in_child(catch_then_read, NULL);
  CHECK(o.signo == SIGSEGV && o.code == SEGV_PKUERR &&
        o.pkey == bulkhead_compartment_pkey("vault"));
  std::printf("exceptions: ok\n");
  return 0;
}
