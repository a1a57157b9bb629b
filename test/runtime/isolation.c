// Real enforcement: the default domain cannot read or write vault data (the
// fault is SEGV_PKUERR with the vault's key), the entry can, the data is
// closed again after the entry returns, an internal function works from its
// own compartment, and PKRU after every gate is exactly the intended value.
// Built in every supported configuration: both linkers, PIE and not, -O0 to
// -O3, with section garbage collection.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O0 %s %S/Inputs/vault.c -o %t.O0 && %run %t.O0
// RUN: %bulkhead_clang -fpkey-compartments -O1 -fuse-ld=lld -no-pie %s %S/Inputs/vault.c -o %t.O1 && %run %t.O1
// RUN: %bulkhead_clang -fpkey-compartments -O2 -fuse-ld=lld -pie -ffunction-sections -fdata-sections -Wl,--gc-sections %s %S/Inputs/vault.c -o %t.O2 && %run %t.O2
// RUN: %bulkhead_clang -fpkey-compartments -O3 -fuse-ld=bfd -pie -ffunction-sections -fdata-sections -Wl,--gc-sections %s %S/Inputs/vault.c -o %t.O3 && %run %t.O3
// RUN: %bulkhead_clang -fpkey-compartments -O2 -fuse-ld=bfd -no-pie %s %S/Inputs/vault.c -o %t.bfd && %run %t.bfd
// Shared stacks (the opt-out):
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-compartment-stacks -O2 %s %S/Inputs/vault.c -o %t.shared && %run %t.shared
#include "Inputs/check.h"
#include "Inputs/vault.h"

int plain_global = 7; /* default-domain data, must stay open */

static void read_key(void *p) { (void)*(volatile unsigned char *)p; }
static void write_key(void *p) { *(volatile unsigned char *)p = 99; }

static void expect_pkey_fault(void (*fn)(void *), unsigned char *key, int pkey) {
  struct outcome o = run_in_child(fn, key);
  CHECK(o.signo == SIGSEGV);
  CHECK(o.code == SEGV_PKUERR);
  CHECK(o.pkey == pkey);
  CHECK(o.addr == (uintptr_t)key);
}

int main(void) {
  int vault = bulkhead_compartment_pkey("vault");
  int other = bulkhead_compartment_pkey("other");
  CHECK(vault > 0 && other > 0 && vault != other);
  unsigned char *key = vault_key_address();

  /* The kernel agrees: the key's page carries the vault's key, plain data
   * next to it carries key 0. */
  CHECK(page_pkey(key) == vault);
  CHECK(page_pkey(&plain_global) == 0);

  /* The default domain's rights: every compartment key disabled, key 0 open. */
  uint32_t dflt = test_rdpkru();
  CHECK(dflt == bulkhead_domain_pkru(NULL));
  CHECK((dflt & KEY_BITS(0)) == 0);
  CHECK((dflt & KEY_BITS(vault)) == KEY_BITS(vault));
  CHECK((dflt & KEY_BITS(other)) == KEY_BITS(other));

  expect_pkey_fault(read_key, key, vault);
  expect_pkey_fault(write_key, key, vault);

  /* Through the entry the data is reachable... */
  CHECK(vault_read(1) == 22);
  vault_write(1, 44);
  CHECK(vault_read(1) == 44);
  /* ...and closed again after it returns. */
  CHECK(test_rdpkru() == dflt);
  expect_pkey_fault(read_key, key, vault);

  /* An internal function, called from its own compartment. */
  CHECK(vault_mixed(0) == 11 * 2 + 1);
  CHECK(vault_mixed(2) == 33 * 2 + 2);

  /* PKRU inside each compartment: exactly its own key opened. */
  uint32_t in_vault = vault_pkru();
  CHECK(in_vault == bulkhead_domain_pkru("vault"));
  CHECK(in_vault == (dflt & ~KEY_BITS(vault)));
  uint32_t in_other = other_pkru();
  CHECK(in_other == (dflt & ~KEY_BITS(other)));
  CHECK(test_rdpkru() == dflt);

  CHECK(plain_global == 7);
  printf("isolation: ok (vault pkey %d, other pkey %d, default PKRU %#x)\n", vault, other, dflt);
  return 0;
}
