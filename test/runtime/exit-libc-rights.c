// An exit handler registered from inside a compartment returns to the
// default domain, not to the compartment that registered it: libc's exit and
// everything after the handler that is not instrumented (an uninstrumented
// library's own atexit handler, stdio flushing) runs with the default
// domain's rights. The pass gives a pointer passed straight to atexit,
// at_quick_exit, on_exit, __cxa_atexit or pthread_atfork the default domain
// as its creator.
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
