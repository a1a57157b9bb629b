// Function pointers keep the invariant: an entry called through a pointer
// runs in its compartment; a callback from a compartment into the default
// domain runs without the compartment's rights, and the compartment has
// them back afterwards; a compartment-internal comparator passed to qsort
// from inside the compartment sorts compartment data.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t.O2 && %run %t.O2
// RUN: %bulkhead_clang -fpkey-compartments -O0 %s -o %t.O0 && %run %t.O0
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-compartment-stacks -O2 %s -o %t.shared && %run %t.shared
#include "Inputs/check.h"

BULKHEAD_DATA(vault) static int secret[4] = {40, 10, 30, 20};
BULKHEAD_DATA(vault) static uint32_t pkru_in_callback, pkru_after_callback;

BULKHEAD_INTERNAL(vault) static int by_value(const void *a, const void *b) {
  return *(const int *)a - *(const int *)b;
}
BULKHEAD_ENTRY(vault) int vault_sorted(int i) {
  qsort(secret, 4, sizeof secret[0], by_value);
  return secret[i];
}
BULKHEAD_ENTRY(vault) int vault_sum(void) { return secret[0] + secret[1] + secret[2] + secret[3]; }

/* Calls back into whatever the caller passed, then uses its own data. */
BULKHEAD_ENTRY(vault) int vault_with_callback(void (*cb)(void *), int i) {
  cb(&secret[i]);
  pkru_after_callback = test_rdpkru();
  return secret[i];
}

static uint32_t seen_pkru;
static void note_pkru(void *p) { (void)p; seen_pkru = test_rdpkru(); }
static void read_it(void *p) { (void)*(volatile int *)p; }
static void call_with_reader(void *unused) { (void)unused; vault_with_callback(read_it, 2); }

int main(void) {
  int vault = bulkhead_compartment_pkey("vault");
  CHECK(vault > 0);
  uint32_t dflt = bulkhead_domain_pkru(NULL), in_vault = bulkhead_domain_pkru("vault");

  /* An entry called through a pointer from the default domain. */
  int (*volatile sum)(void) = vault_sum;
  CHECK(sum() == 100);
  CHECK(test_rdpkru() == dflt);

  /* qsort (shared libc code) called from the vault with a vault comparator. */
  CHECK(vault_sorted(0) == 10 && vault_sorted(3) == 40);
  CHECK(test_rdpkru() == dflt);

  /* A default-domain callback called from inside the vault runs with the
   * default domain's rights, and the vault continues with its own. */
  CHECK(vault_with_callback(note_pkru, 1) == 20);
  CHECK(seen_pkru == dflt);
  int (*volatile get)(int) = vault_sorted;
  CHECK(get(1) == 20);

  /* ...so the callback cannot read what the vault passed it. */
  struct outcome o = run_in_child(call_with_reader, NULL);
  CHECK(o.signo == SIGSEGV && o.code == SEGV_PKUERR && o.pkey == vault);
  (void)in_vault;
  printf("function pointers: ok\n");
  return 0;
}
