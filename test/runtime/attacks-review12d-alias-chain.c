// Attacker model A (key-0 loads and stores only); here not even a store is
// needed. Review 12d. An alias of compartment code reached through a local
// alias is not redirected: `static long local_sign(void)
// __attribute__((alias("vault_sign")))` and `long vault_sign_alias(void)
// __attribute__((alias("local_sign")))`. redirectAliases
// (pass/Entries.cpp) skips local aliases ("hasLocalLinkage") and, for
// vault_sign_alias, whose aliasee is an alias, not a function, assumes the
// alias it leads to is "redirected in turn"; the local one was not. So
// vault_sign_alias is the entry's body (nm: __bulkhead_body.vault_sign's
// address), and with -DMIX vault_mix_alias is the BULKHEAD_INTERNAL
// vault_mix itself. The program's call by either name from another file
// runs the vault's code with the default domain's rights; its gated call
// of app_note ends with the gate back to the vault's rights, and it
// returns to the program with the vault's PKRU installed: the program's
// next load of the vault's key succeeds (attacks-review12-entry-alias.c
// through one more alias).
// Reproduced in the PKU guest at -O2 with -fno-pkey-compartment-stacks,
// both names (LEAK). With compartment stacks the call dies in the gate
// back (protection-key fault on the vault's stack): no leak.
// Fixed: redirectAliases judges every alias, local ones too, by the
// function it finally reaches (stripPointerCastsAndAliases): the entry's
// alias is its thunk (the call works, then the program's load faults),
// the internal function's its refusing gateway (the call stops the
// program). Checked before the fix: both programs printed LEAK.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 -DPROGRAM -c %s -o %t.app.o
// RUN: %bulkhead_clang -fpkey-compartments -O2 -DPROGRAM -DMIX -c %s -o %t.mix.o
// RUN: %bulkhead_clang -fpkey-compartments -O2 -fno-pkey-compartment-stacks %s %t.app.o -o %t.ns
// RUN: %run %t.ns > %t.ns.out 2>&1 || true
// RUN: FileCheck %s < %t.ns.out
// RUN: %bulkhead_clang -fpkey-compartments -O2 -fno-pkey-compartment-stacks %s %t.mix.o -o %t.mix
// RUN: %run %t.mix > %t.mix.out 2>&1 || true
// RUN: FileCheck %s --check-prefix=MIX < %t.mix.out
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s %t.app.o -o %t
// RUN: %run %t > %t.out 2>&1 || true
// RUN: FileCheck %s < %t.out
// CHECK: vault_sign_alias returned 0x5ec7e75ec7e6
// CHECK-NOT: LEAK
// CHECK: protection-key fault
// MIX-NOT: LEAK
// MIX: bulkhead: error: 'vault_mix', internal to compartment 'vault', called through a pointer without the compartment's rights
// MIX-NOT: LEAK
#include "Inputs/check.h"

#ifdef PROGRAM
#ifdef MIX
#define ALIAS vault_mix_alias
#else
#define ALIAS vault_sign_alias
#endif
#define TEST "attacks-review12d-alias-chain"
#include "Inputs/alias-caller.h"
#else
void app_note(void);
BULKHEAD_DATA(vault) static long key = 0x5ec7e75ec7e7L;
BULKHEAD_ENTRY(vault) long *vault_where(void) { return &key; }
BULKHEAD_ENTRY(vault) long vault_sign(void) {
  app_note();
  return key ^ 1;
}
BULKHEAD_INTERNAL(vault) long vault_mix(void) {
  app_note();
  return key ^ 1;
}
static long local_sign(void) __attribute__((alias("vault_sign")));
long vault_sign_alias(void) __attribute__((alias("local_sign")));
static long local_mix(void) __attribute__((alias("vault_mix")));
long vault_mix_alias(void) __attribute__((alias("local_mix")));
#endif
