// Honest programs with aliases and weak hooks of a compartment (review 12's
// fixes must not break them), with and without compartment stacks: the
// program calls an entry by its alias from another file and gets the
// vault's rights for the call only; the vault calls its own weak hooks (a
// weak alias of an internal function, a weak internal function), which run
// its own code when nothing overrides them; and, with -DOVERRIDE, the
// program's own definitions of both hooks, which the vault's calls reach
// in the default domain.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 -DPROGRAM -c %s -o %t.app.o
// RUN: %bulkhead_clang -fpkey-compartments -O2 -DPROGRAM -DOVERRIDE -c %s -o %t.override.o
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s %t.app.o -o %t
// RUN: %run %t | FileCheck %s --check-prefix=OWN
// RUN: %bulkhead_clang -fpkey-compartments -O2 -fno-pkey-compartment-stacks %s %t.app.o -o %t.ns
// RUN: %run %t.ns | FileCheck %s --check-prefix=OWN
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s %t.override.o -o %t.ov
// RUN: %run %t.ov | FileCheck %s --check-prefix=OVERRIDE
// RUN: %bulkhead_clang -fpkey-compartments -O2 -fno-pkey-compartment-stacks %s %t.override.o -o %t.ov.ns
// RUN: %run %t.ov.ns | FileCheck %s --check-prefix=OVERRIDE
// OWN: sign 0x2b, vault's hooks 2, program's hooks 0, outside again: yes
// OVERRIDE: sign 0x2b, vault's hooks 0, program's hooks 2, outside again: yes
#include "Inputs/check.h"

#ifdef PROGRAM
long vault_sign_alias(long x); /* the vault's entry, by its alias's name */
long vault_hooks(void);        /* an unannotated header: the thunk */
long program_hooks;
#ifdef OVERRIDE
void vault_log(void) { program_hooks++; }
void vault_audit(void) { program_hooks++; }
#endif
int main(void) {
  long s = vault_sign_alias(42);
  long h = vault_hooks();
  /* Back in the default domain: the vault's key is not in the PKRU. */
  int outside = bulkhead_unprotected() ||
                test_rdpkru() != bulkhead_domain_pkru("vault");
  printf("sign %#lx, vault's hooks %ld, program's hooks %ld, outside again: "
         "%s\n",
         s, h, program_hooks, outside ? "yes" : "no");
  return 0;
}
#else
BULKHEAD_DATA(vault) static long logged;
BULKHEAD_INTERNAL(vault) void vault_log_default(void) { logged++; }
void vault_log(void) __attribute__((weak, alias("vault_log_default")));
BULKHEAD_INTERNAL(vault) __attribute__((weak)) void vault_audit(void) {
  logged++;
}
BULKHEAD_ENTRY(vault) long vault_hooks(void) { return logged; }
BULKHEAD_ENTRY(vault) long vault_sign(long x) {
  vault_log();
  vault_audit();
  return x ^ 1;
}
long vault_sign_alias(long x) __attribute__((alias("vault_sign")));
#endif
