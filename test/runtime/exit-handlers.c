// atexit handlers and destructors run in their own domains, however the
// program ends: a handler or destructor annotated into the vault reads the
// vault's data; unannotated ones run with the default PKRU and cannot. Also
// when the handler was registered from inside the vault, and when exit()
// is called from inside a compartment.
// REQUIRES: pku
// RUN: %clang -O2 -c %S/Inputs/raw-atexit.c -o %t.raw.o
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s %t.raw.o -o %t
// RUN: %run %t return | FileCheck %s
// RUN: %run %t exit-in-vault | FileCheck %s
// RUN: %run %t exit-in-other | FileCheck %s
// Shared stacks:
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-compartment-stacks -O2 %s %t.raw.o -o %ts
// RUN: %run %ts exit-in-vault | FileCheck %s
// RUN: %run %ts exit-in-other | FileCheck %s
// CHECK: main: done
// CHECK-NEXT: vault_atexit_from_vault: vault, secret 77
// CHECK-NEXT: plain_atexit_from_vault: default, vault data faults
// CHECK-NEXT: vault_atexit: vault, secret 77
// CHECK-NEXT: plain_atexit: default, vault data faults
// CHECK-NEXT: raw atexit handler: PKRU default
// CHECK-NEXT: vault_dtor: vault, secret 77
// CHECK-NEXT: plain_dtor: default, vault data faults
#include "Inputs/check.h"

BULKHEAD_DATA(vault) static volatile int secret = 77;
void raw_register(uint32_t default_pkru);

static void say(const char *who, const char *what) {
  printf("%s: %s\n", who, what);
  fflush(stdout);
}
static void read_secret(void *unused) {
  (void)unused;
  (void)secret;
}
/* Unannotated handlers: default PKRU, and the vault's data faults. */
static void check_plain(const char *who) {
  int pkru_ok = test_rdpkru() == bulkhead_domain_pkru(NULL);
  struct outcome o = run_in_child(read_secret, NULL);
  int faults = o.signo == SIGSEGV && o.code == SEGV_PKUERR &&
               o.pkey == bulkhead_compartment_pkey("vault");
  say(who, pkru_ok && faults ? "default, vault data faults" : "WRONG RIGHTS");
}
BULKHEAD_ENTRY(vault) void check_vault(const char *who) {
  int ok = test_rdpkru() == bulkhead_domain_pkru("vault") && secret == 77;
  say(who, ok ? "vault, secret 77" : "WRONG RIGHTS");
}

__attribute__((destructor)) static void plain_dtor(void) { check_plain("plain_dtor"); }
BULKHEAD_ENTRY(vault) __attribute__((destructor)) void vault_dtor(void) {
  check_vault("vault_dtor");
}
static void plain_atexit(void) { check_plain("plain_atexit"); }
static void plain_atexit_from_vault(void) { check_plain("plain_atexit_from_vault"); }
BULKHEAD_ENTRY(vault) void vault_atexit(void) { check_vault("vault_atexit"); }
BULKHEAD_ENTRY(vault) void vault_atexit_from_vault(void) {
  check_vault("vault_atexit_from_vault");
}

/* Registered from inside the vault: the addresses are taken here. */
BULKHEAD_ENTRY(vault) void vault_register(void) {
  CHECK(atexit(plain_atexit_from_vault) == 0);
  CHECK(atexit(vault_atexit_from_vault) == 0);
}
BULKHEAD_ENTRY(vault) void vault_exit(void) { exit(0); }
BULKHEAD_ENTRY(other) void other_exit(void) { exit(0); }

int main(int argc, char **argv) {
  CHECK(argc == 2);
  raw_register(bulkhead_domain_pkru(NULL)); /* runs after the others */
  CHECK(atexit(plain_atexit) == 0);
  CHECK(atexit(vault_atexit) == 0);
  vault_register();
  say("main", "done");
  if (!strcmp(argv[1], "exit-in-vault"))
    vault_exit();
  if (!strcmp(argv[1], "exit-in-other"))
    other_exit();
  return 0;
}
