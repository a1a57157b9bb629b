/* Default-domain caller of two compartments in other translation units:
 * vault (annotations visible for vault_get/put, not for vault_sum) and lib
 * (whole TU by -fpkey-compartment=lib, no annotation anywhere). Each call
 * must work and return to the default domain's rights; each compartment's
 * data must stay unreadable here. Exit 0 when all held. */
#include "check.h"
#include "lib.h"
#include "vault.h"

/* Annotated only where vault.c defines it: this caller reaches the thunk. */
int vault_sum(void);

static void read_int(void *p) { (void)*(volatile int *)p; }

static void expect_fault(int *p, int pkey) {
  struct outcome o = run_in_child(read_int, p);
  CHECK(o.signo == SIGSEGV && o.code == SEGV_PKUERR);
  CHECK(o.pkey == pkey && o.addr == (uintptr_t)p);
}

int main(void) {
  int vault = bulkhead_compartment_pkey("vault");
  int lib = bulkhead_compartment_pkey("lib");
  CHECK(vault > 0 && lib > 0 && vault != lib);
  uint32_t dflt = test_rdpkru();
  CHECK(dflt == bulkhead_domain_pkru(NULL));

  /* Direct body path (annotation seen) and thunk path (not seen). */
  CHECK(vault_get(2) == 30);
  vault_put(2, 33);
  CHECK(vault_get(2) == 33);
  CHECK(test_rdpkru() == dflt);
  CHECK(vault_sum() == 10 + 20 + 33 + 40);
  CHECK(test_rdpkru() == dflt);
  CHECK(lib_hit(2) == 2 && lib_hit(3) == 5);
  CHECK(test_rdpkru() == dflt);

  /* Inside, each compartment has exactly its own key opened. */
  CHECK(vault_pkru() == (dflt & ~KEY_BITS(vault)));
  CHECK(lib_pkru() == (dflt & ~KEY_BITS(lib)));
  CHECK(test_rdpkru() == dflt);

  int *v = vault_data_address(), *h = lib_hits_address();
  CHECK(page_pkey(v) == vault && page_pkey(h) == lib);
  expect_fault(v, vault);
  expect_fault(h, lib);
  printf("lto: ok (vault pkey %d, lib pkey %d)\n", vault, lib);
  return 0;
}
