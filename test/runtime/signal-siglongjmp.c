// A handler that siglongjmps out leaves PKRU as the sigsetjmp caller's
// domain requires, whichever domains the handler and the interrupted code
// belong to, and from a nested handler too: the pass re-enters the caller's
// domain where sigsetjmp returns the second time. After jumping back to the
// default domain the vault's data faults again.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t && %run %t | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -O0 %s -o %t0 && %run %t0 | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-compartment-stacks -O0 %s -o %ts0 && %run %ts0 | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-compartment-stacks -O2 %s -o %ts2 && %run %ts2 | FileCheck %s
// CHECK: signal-siglongjmp: ok
#include "Inputs/check.h"
#include <setjmp.h>

BULKHEAD_DATA(vault) static int secret = 1234;
static sigjmp_buf jb;
static volatile int nest; /* >0: the handler raises itself before jumping */

static void plain_jump(int sig) {
  if (nest-- > 0)
    raise(sig);
  siglongjmp(jb, 1);
}
BULKHEAD_ENTRY(vault) void vault_jump(int sig) {
  if (secret == 1234 && nest-- > 0)
    raise(sig);
  siglongjmp(jb, 1);
}
BULKHEAD_ENTRY(other) void other_jump(int sig) {
  (void)sig;
  siglongjmp(jb, 1);
}
BULKHEAD_ENTRY(vault) void vault_raise(int sig) { raise(sig); }
BULKHEAD_ENTRY(other) void other_raise(int sig) { raise(sig); }

/* sigsetjmp inside the vault; a handler of another domain jumps back here. */
BULKHEAD_ENTRY(vault) uint32_t vault_catch(int sig) {
  if (!sigsetjmp(jb, 1)) {
    other_raise(sig);
    return 0;
  }
  return secret == 1234 ? test_rdpkru() : 0;
}

static void read_secret(void *p) { (void)*(volatile int *)p; }
BULKHEAD_ENTRY(vault) int *vault_address(void) { return &secret; }

static void install(void (*h)(int)) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = h;
  sa.sa_flags = SA_NODEFER;
  CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
}

int main(void) {
  const uint32_t dflt = bulkhead_domain_pkru(NULL);
  void (*handlers[3])(int) = {plain_jump, vault_jump, other_jump};
  void (*raisers[3])(int) = {(void (*)(int))raise, vault_raise, other_raise};
  for (int h = 0; h < 3; h++)
    for (int r = 0; r < 3; r++)
      for (int n = 0; n < 2; n++) {
        install(handlers[h]);
        nest = n;
        if (!sigsetjmp(jb, 1)) {
          raisers[r](SIGUSR1);
          CHECK(!"siglongjmp did not happen");
        }
        CHECK(test_rdpkru() == dflt);
        sigset_t mask;
        CHECK(sigprocmask(SIG_BLOCK, NULL, &mask) == 0 &&
              !sigismember(&mask, SIGUSR1));
      }
  install(other_jump);
  CHECK(vault_catch(SIGUSR1) == bulkhead_domain_pkru("vault"));
  CHECK(test_rdpkru() == dflt);

  struct outcome o = run_in_child(read_secret, vault_address());
  CHECK(o.signo == SIGSEGV && o.code == SEGV_PKUERR &&
        o.pkey == bulkhead_compartment_pkey("vault"));
  printf("signal-siglongjmp: ok\n");
  return 0;
}
