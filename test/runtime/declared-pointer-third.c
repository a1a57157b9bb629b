// A pointer to a default-domain function of another file (Inputs/
// declared-pointer-peek.c), made in the vault, where the function is only
// declared, called from the default domain and from a third compartment:
// the wrapper of the declaration (pass/Wrappers.cpp) runs peek with the
// default domain's rights either way; from 'other' it returns through the
// trampoline that finds the calling compartment at run time. peek reading
// other's data then faults with other's key.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s %S/Inputs/declared-pointer-peek.c -o %t
// RUN: not %run %t > %t.out 2>&1
// RUN: FileCheck %s < %t.out
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-compartment-stacks -O2 %s %S/Inputs/declared-pointer-peek.c -o %t.shared
// RUN: not %run %t.shared > %t.shared.out 2>&1
// RUN: FileCheck %s < %t.shared.out
// CHECK: default domain through the vault's pointer: 5
// CHECK-NEXT: other's own: 0xbe7
// CHECK-NOT: other through the vault's pointer
// CHECK: protection-key fault: access to {{.*}} in compartment 'other' {{.*}} from the default domain
#include <bulkhead.h>
#include <stdio.h>
int peek(const int *p);
BULKHEAD_DATA(other) static int other_secret = 0x0be7;
BULKHEAD_ENTRY(vault) int (*vault_pointer(void))(const int *) { return peek; }
BULKHEAD_ENTRY(other) int other_call(int (*f)(const int *)) {
  return f(&other_secret);
}
BULKHEAD_ENTRY(other) int other_own(void) { return other_secret; }
int main(void) {
  setvbuf(stdout, 0, _IONBF, 0);
  int open = 5;
  int (*f)(const int *) = vault_pointer();
  printf("default domain through the vault's pointer: %d\n", f(&open));
  printf("other's own: %#x\n", other_own());
  printf("other through the vault's pointer: %#x\n", other_call(f));
  return 0;
}
