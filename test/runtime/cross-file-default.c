// A compartment calling default-domain code defined in another file gives up
// its rights for the call, though it sees only a declaration: the callee's
// file marks it (__bulkhead_default.NAME) and the call tests the mark. libc
// functions carry no mark and keep running with the caller's rights.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s %S/Inputs/default-helpers.c -o %t && %run %t
// RUN: %bulkhead_clang -fpkey-compartments -O0 %s %S/Inputs/default-helpers.c -o %t0 && %run %t0
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-compartment-stacks -O2 %s %S/Inputs/default-helpers.c -o %ts && %run %ts
#include "Inputs/check.h"

int log_event(const int *p);
extern uint32_t seen_pkru;

BULKHEAD_DATA(vault) static int secret = 42;
BULKHEAD_DATA(vault) static char name[] = "vault-secret";

BULKHEAD_ENTRY(vault) int vault_logs(int leak) {
  int r = log_event(leak ? &secret : NULL); /* default code, other file */
  return r + secret;                        /* the vault's rights are back */
}
BULKHEAD_ENTRY(vault) size_t vault_strlen(void) { return strlen(name); } /* libc */

static void leak(void *unused) {
  (void)unused;
  vault_logs(1);
}

int main(void) {
  uint32_t dflt = bulkhead_domain_pkru(NULL);
  CHECK(vault_logs(0) == 42);
  CHECK(seen_pkru == dflt);
  CHECK(vault_strlen() == strlen("vault-secret"));
  struct outcome o = run_in_child(leak, NULL);
  CHECK(o.signo == SIGSEGV && o.code == SEGV_PKUERR &&
        o.pkey == bulkhead_compartment_pkey("vault"));
  printf("cross-file default: ok\n");
  return 0;
}
