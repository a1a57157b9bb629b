// Attacker model A (key-0 loads and stores only); here not even a store is
// needed. Review 12d. An alias of compartment code made in module-level
// assembly (`.globl vault_mix_alias; .set vault_mix_alias, vault_mix`) is
// not redirected: redirectAliases (pass/Entries.cpp) sees IR aliases only,
// and readAsmAliases (pass/CallGates.cpp) reads module asm only to mark
// aliases of default-domain code. So while an IR alias of the
// BULKHEAD_INTERNAL function vault_mix aliases a refusing gateway,
// `vault_mix_alias` is vault_mix's own address (nm: same value). The
// program's call of it from another file is a plain call into the vault's
// code with the default domain's rights; vault_mix's gated call of the
// program's app_note ends with the gate back to the vault's rights, and it
// returns to the program with the vault's PKRU installed: the program's
// own next load of the vault's key succeeds (attacks-review12-entry-alias.c
// by another spelling).
// Reproduced in the PKU guest at -O2 with -fno-pkey-compartment-stacks
// (LEAK). With compartment stacks (the default) the call dies in the gate
// back (protection-key fault on the vault's stack in
// __bulkhead_tramp.app_note.vault.0): no leak.
// Fixed: the pass refuses the module (pass/Entries.cpp refuseAsmAliases),
// naming the alias and the function; an IR alias (__attribute__((alias)))
// aliases the refusing gateway instead. Checked before the fix: the
// compile succeeded and the program printed LEAK.
// RUN: not %bulkhead_clang -fpkey-compartments -O2 -c %s -o %t.o 2> %t.err
// RUN: FileCheck %s --check-prefix=REFUSED < %t.err
// RUN: not %bulkhead_clang -fpkey-compartments -O0 -c %s -o %t.o 2> %t.O0.err
// RUN: FileCheck %s --check-prefix=REFUSED < %t.O0.err
// REFUSED: error: bulkhead: module-level assembly of '{{.*}}attacks-review12d-asm-alias-internal.c' makes 'vault_mix_alias' a name of 'vault_mix' of compartment 'vault', which would run its code without a gateway
// REFUSED: 1 error generated
#include "Inputs/check.h"

void app_note(void);
BULKHEAD_DATA(vault) static long key = 0x5ec7e75ec7e7L;
BULKHEAD_INTERNAL(vault) long vault_mix(void) {
  app_note();
  return key ^ 1;
}
__asm__(".globl vault_mix_alias\n.set vault_mix_alias, vault_mix");
