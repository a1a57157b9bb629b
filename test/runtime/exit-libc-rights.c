// KNOWN GAP (pass): an exit handler registered from inside a compartment is
// wrapped for that compartment as its creator, so when it returns, libc's
// exit and everything after it that is not instrumented (later handlers of
// uninstrumented libraries, their destructors, stdio flushing) run with the
// compartment's rights. The fix belongs in the pass: a pointer passed
// straight to atexit, at_quick_exit, on_exit, __cxa_atexit or
// pthread_atfork should get the default domain as its creator. Until then
// this test fails; it XPASSes once the pass is fixed.
// XFAIL: *
// REQUIRES: pku
// RUN: %clang -O2 -c %S/Inputs/raw-atexit.c -o %t.raw.o
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s %t.raw.o -o %t
// RUN: %run %t | FileCheck %s
// CHECK: plain handler ran
// CHECK-NEXT: raw atexit handler: PKRU default
#include "Inputs/check.h"

void raw_register(uint32_t default_pkru);

static void plain_handler(void) {
  printf("plain handler ran\n");
  fflush(stdout);
}
BULKHEAD_ENTRY(vault) void vault_register(void) { CHECK(atexit(plain_handler) == 0); }

int main(void) {
  raw_register(bulkhead_domain_pkru(NULL)); /* runs right after plain_handler */
  vault_register();
  return 0;
}
