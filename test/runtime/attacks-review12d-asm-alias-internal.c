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
// Fix: redirect module-asm assignments whose value is compartment code as
// IR aliases are (readAsmAliases already finds them: a global name whose
// target is a compartment function can be rewritten to its gateway, or
// refused at compile time), and, for the forms it cannot read (an
// expression, a function's asm, .symver, --defsym, .s files), the link-time
// check the threat model proposes: a global symbol at a compartment
// function's address that is not its gateway is an error.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 -DPROGRAM -c %s -o %t.app.o
// RUN: %bulkhead_clang -fpkey-compartments -O2 -fno-pkey-compartment-stacks %s %t.app.o -o %t.ns
// RUN: %run %t.ns > %t.ns.out 2>&1 || true
// RUN: FileCheck %s < %t.ns.out
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s %t.app.o -o %t
// RUN: %run %t > %t.out 2>&1 || true
// RUN: FileCheck %s < %t.out
// CHECK-NOT: LEAK
// CHECK: protection-key fault
// XFAIL: *
#include "Inputs/check.h"

#ifdef PROGRAM
long vault_mix_alias(void); /* the vault's internal code, by its asm alias */
long *vault_where(void);
long noted;
void app_note(void) { noted++; }
int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  long *k = vault_where();
  printf("mix returned %#lx\n", vault_mix_alias());
  /* The default domain's own load: must fault with the vault's key. */
  printf("attacks-review12d-asm-alias-internal: LEAK: the program read the "
         "vault's key %#lx\n",
         *(volatile long *)k);
  return 1;
}
#else
void app_note(void);
BULKHEAD_DATA(vault) static long key = 0x5ec7e75ec7e7L;
BULKHEAD_ENTRY(vault) long *vault_where(void) { return &key; }
BULKHEAD_INTERNAL(vault) long vault_mix(void) {
  app_note();
  return key ^ 1;
}
__asm__(".globl vault_mix_alias\n.set vault_mix_alias, vault_mix");
#endif
