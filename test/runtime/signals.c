// A signal handler runs with its own domain's rights whichever domain the
// signal interrupted, and the interrupted code continues with exactly the
// PKRU it had: an unannotated handler interrupting the vault cannot read
// vault data, a handler annotated into the vault can, and the vault code
// still reads its data after either returns.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t && %run %t
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-compartment-stacks -O2 %s -o %ts && %run %ts
#include "Inputs/check.h"

BULKHEAD_DATA(vault) static volatile int secret = 77;
BULKHEAD_DATA(vault) static volatile int vault_handler_read;

static volatile uint32_t pkru_in_handler;
static volatile int handler_faulted;

static void plain_handler(int sig) {
  (void)sig;
  pkru_in_handler = test_rdpkru();
}
BULKHEAD_ENTRY(vault) void vault_handler(int sig) {
  (void)sig;
  vault_handler_read = secret;
}

/* Raises `sig` from inside the vault, then checks it still has its rights. */
BULKHEAD_ENTRY(vault) uint32_t vault_raise(int sig) {
  uint32_t before = test_rdpkru();
  raise(sig);
  uint32_t after = test_rdpkru();
  return before == after && secret == 77 ? after : 0;
}
BULKHEAD_ENTRY(vault) int vault_saw(void) { return vault_handler_read; }

static void read_in_handler(int sig) {
  (void)sig;
  (void)secret; /* faults: the handler is default-domain code */
}
static void raise_with_reader(void *unused) {
  (void)unused;
  signal(SIGUSR2, read_in_handler);
  vault_raise(SIGUSR2);
}

int main(void) {
  uint32_t dflt = bulkhead_domain_pkru(NULL), in_vault = bulkhead_domain_pkru("vault");
  CHECK(signal(SIGUSR1, plain_handler) != SIG_ERR);
  CHECK(vault_raise(SIGUSR1) == in_vault);
  CHECK(pkru_in_handler == dflt);

  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = vault_handler;
  CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
  CHECK(raise(SIGUSR1) == 0); /* from the default domain */
  CHECK(vault_saw() == 77);
  CHECK(test_rdpkru() == dflt);

  struct outcome o = run_in_child(raise_with_reader, NULL);
  CHECK(o.signo == SIGSEGV && o.code == SEGV_PKUERR &&
        o.pkey == bulkhead_compartment_pkey("vault"));
  printf("signals: ok\n");
  return 0;
}
