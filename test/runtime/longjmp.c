// longjmp and siglongjmp out of a compartment back to a setjmp in the default
// domain leave the compartment closed: the pass re-enters the setjmp
// caller's domain when setjmp returns the second time.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t && %run %t
// RUN: %bulkhead_clang -fpkey-compartments -O0 %s -o %t0 && %run %t0
#include "Inputs/check.h"
#include <setjmp.h>

static jmp_buf jb;
static sigjmp_buf sjb;
BULKHEAD_DATA(vault) static int secret = 1234;
BULKHEAD_DATA(vault) static uint32_t pkru_before_jump;

BULKHEAD_ENTRY(vault) void vault_longjmp(void) {
  pkru_before_jump = test_rdpkru();
  if (secret == 1234)
    longjmp(jb, 1);
}
BULKHEAD_ENTRY(vault) void vault_siglongjmp(void) {
  if (secret == 1234)
    siglongjmp(sjb, 1);
}
BULKHEAD_ENTRY(vault) uint32_t vault_saw(void) { return pkru_before_jump; }

static void read_secret(void *p) { (void)*(volatile int *)p; }
BULKHEAD_ENTRY(vault) int *vault_address(void) { return &secret; }

int main(void) {
  uint32_t dflt = bulkhead_domain_pkru(NULL);
  if (!setjmp(jb)) {
    vault_longjmp();
    CHECK(!"longjmp did not happen");
  }
  CHECK(test_rdpkru() == dflt);
  CHECK(vault_saw() == bulkhead_domain_pkru("vault"));
  if (!sigsetjmp(sjb, 1)) {
    vault_siglongjmp();
    CHECK(!"siglongjmp did not happen");
  }
  CHECK(test_rdpkru() == dflt);
  struct outcome o = run_in_child(read_secret, vault_address());
  CHECK(o.signo == SIGSEGV && o.code == SEGV_PKUERR &&
        o.pkey == bulkhead_compartment_pkey("vault"));
  printf("longjmp: ok\n");
  return 0;
}
