// Attacker model A (key-0 loads and stores only); here not even a store is
// needed. Review 12. An alias of a compartment's entry (glibc-style
// strong_alias, `__attribute__((alias("vault_sign")))`) keeps pointing at
// the function the pass renames into the entry's body: after the pass,
// `vault_sign_alias = alias @__bulkhead_body.vault_sign`, while `vault_sign`
// becomes the thunk. The alias gets no default-domain marker (it is
// compartment code), so the program's call of `vault_sign_alias` from
// another file is a plain call into the vault's body, without the thunk,
// with the default domain's rights. The body's gated call of the
// program's `app_note` ends with the gate back to the vault's rights, and
// the body returns to the program with the vault's PKRU still installed:
// the program's own next load of the vault's key succeeds.
// Reproduced in the PKU guest at -O2 with -fno-pkey-compartment-stacks
// (LEAK). With compartment stacks (the default) the same call dies in the
// gate back (its stack check faults on the vault's stack): no leak, but an
// honest program calling an entry by its alias cannot work either.
// Fix: when the pass makes an entry's thunk, aliases of the entry must
// alias the thunk (RAUW of the aliasee, as pointers get the wrapper);
// aliases of internal functions the refusing wrapper, or an error.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 -DPROGRAM -c %s -o %t.app.o
// RUN: %bulkhead_clang -fpkey-compartments -O2 -fno-pkey-compartment-stacks %s %t.app.o -o %t.ns
// RUN: %run %t.ns > %t.ns.out 2>&1 || true
// RUN: FileCheck %s < %t.ns.out
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s %t.app.o -o %t
// RUN: %run %t > %t.out 2>&1 || true
// RUN: FileCheck %s < %t.out
// CHECK: vault_sign_alias returned 0x5ec7e75ec7e6
// CHECK-NOT: LEAK
// CHECK: protection-key fault
#include "Inputs/check.h"

#ifdef PROGRAM
#define ALIAS vault_sign_alias
#define TEST "attacks-review12-entry-alias"
#include "Inputs/alias-caller.h"
#else
void app_note(void);
BULKHEAD_DATA(vault) static long key = 0x5ec7e75ec7e7L;
BULKHEAD_ENTRY(vault) long *vault_where(void) { return &key; }
BULKHEAD_ENTRY(vault) long vault_sign(void) {
  app_note();
  return key ^ 1;
}
long vault_sign_alias(void) __attribute__((alias("vault_sign")));
#endif
