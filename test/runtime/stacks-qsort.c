// An application callback passed to shared code that a compartment calls:
// the vault sorts with qsort (libc, running with the vault's rights on the
// vault's stack) and the application's comparator. The comparator's
// wrapper cannot know the caller's domain statically; it finds the vault
// from the thread's rights, runs the comparator on the default stack with
// the default domain's rights only, and returns to qsort with the vault's
// rights and stack, which then finishes. The vault's own comparator works
// too. Inside the application's comparator the vault's data faults.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t own | FileCheck %s
// RUN: %run %t app | FileCheck %s --check-prefixes=CHECK,APP
// RUN: %bulkhead_clang -fpkey-compartments -O0 %s -o %t0
// RUN: %run %t0 app | FileCheck %s --check-prefixes=CHECK,APP
// RUN: %run %t0 app-reads-vault | FileCheck %s --check-prefix=FAULT
// CHECK: sorted: 1 2 3 4
// APP: comparator rights: default domain, on the default stack
// FAULT: comparator reading the vault's data: SIGSEGV SEGV_PKUERR with the vault's key
#include "Inputs/check.h"

BULKHEAD_DATA(vault) static int secret = 42;
static int shared[4]; /* default-domain memory: both may read it */
static volatile int bad_rights, on_vault_stack, read_vault;
static volatile int *vault_secret;

static int by_value(const void *a, const void *b) {
  int local;
  bad_rights |= test_rdpkru() != bulkhead_domain_pkru(NULL);
  on_vault_stack |= page_pkey(&local) == bulkhead_compartment_pkey("vault");
  if (read_vault)
    (void)*vault_secret;
  return *(const int *)a - *(const int *)b;
}
BULKHEAD_INTERNAL(vault) int vault_by_value(const void *a, const void *b) {
  return *(const int *)a - *(const int *)b + 0 * secret;
}

BULKHEAD_ENTRY(vault) int vault_sort(int (*cmp)(const void *, const void *)) {
  qsort(shared, 4, sizeof shared[0], cmp ? cmp : vault_by_value);
  return secret; /* the vault's rights are back */
}
BULKHEAD_ENTRY(vault) int *vault_secret_address(void) { return &secret; }

static void sort_reading_vault(void *unused) {
  (void)unused;
  read_vault = 1;
  vault_sort(by_value);
}

int main(int argc, char **argv) {
  CHECK(argc == 2);
  vault_secret = vault_secret_address();
  if (!strcmp(argv[1], "app-reads-vault")) {
    shared[0] = 2, shared[1] = 1;
    struct outcome o = run_in_child(sort_reading_vault, NULL);
    CHECK(o.signo == SIGSEGV && o.code == SEGV_PKUERR &&
          o.pkey == bulkhead_compartment_pkey("vault"));
    printf("comparator reading the vault's data: SIGSEGV SEGV_PKUERR with the vault's key\n");
    return 0;
  }
  shared[0] = 3, shared[1] = 1, shared[2] = 4, shared[3] = 2;
  int app = !strcmp(argv[1], "app");
  CHECK(vault_sort(app ? by_value : NULL) == 42);
  CHECK(test_rdpkru() == bulkhead_domain_pkru(NULL));
  printf("sorted: %d %d %d %d\n", shared[0], shared[1], shared[2], shared[3]);
  if (app) {
    CHECK(!bad_rights && !on_vault_stack);
    printf("comparator rights: default domain, on the default stack\n");
  }
  return 0;
}
