// Attacker model A (one key-0 store). Found after review 11 (H-ALIAS),
// reproduced in the PKU guest at -O2. A compartment's direct call of a
// default-domain function defined in another module is gated (the
// function's marker, pass/CallGates.cpp), and the address of a function
// defined in the compartment's own module becomes a wrapper that enters
// its domain. But the address of a default-domain function only declared
// in the compartment's module (Inputs/declared-pointer-vault.c takes
// &peek) is the raw function: called through it, peek runs with the
// vault's rights, and follows a key-0 pointer that one store aimed at the
// vault's data: the secret comes back. The same call made directly
// faults.
// Fixed: the address of a declared function is its wrapper
// __bulkhead_declwrap.peek.vault (pass/Wrappers.cpp), which tests peek's
// marker and import at run time, as a direct call does, and gates into the
// default domain when one is set: peek faults on the vault's data. With
// and without per-compartment stacks.
// Checked to fail before the fix (the pass of 9f9dfc3, in the guest):
// "via pointer from the vault: 0x5ec7e7".
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s %S/Inputs/declared-pointer-vault.c -o %t
// RUN: not %run %t > %t.out 2>&1
// RUN: FileCheck %s < %t.out
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-compartment-stacks -O2 %s %S/Inputs/declared-pointer-vault.c -o %t.shared
// RUN: not %run %t.shared > %t.shared.out 2>&1
// RUN: FileCheck %s < %t.shared.out
// CHECK-NOT: via pointer from the vault: 0x5ec7e7
// CHECK: protection-key fault
#include <stdio.h>
int *volatile target; /* key 0: one store points it at the vault's data */
__attribute__((noinline)) int peek(void) { return *target; }
int *vault_addr(void);
int vault_call_through_pointer(void);
int main(void) {
  setvbuf(stdout, 0, _IONBF, 0);
  target = vault_addr();
  printf("via pointer from the vault: %#x\n", vault_call_through_pointer());
  return 0;
}
