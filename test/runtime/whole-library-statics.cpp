// Issue 11, item 5: -fpkey-compartment=NAME puts a C++ library's comdat
// variables (an inline function's static, a template's static member) on
// the compartment's pages like its other globals: the library still uses
// them, and the default domain reading them faults.
// REQUIRES: pku
// RUN: %bulkhead_clangxx -fpkey-compartments -fpkey-compartment=lib -O2 -c %S/Inputs/inline-static-lib.cpp -o %t.lib.o
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 %s %t.lib.o -o %t
// RUN: %run %t | FileCheck %s
// RUN: not %run %t counter > %t.counter 2>&1; FileCheck %s --check-prefix=FAULT < %t.counter
// RUN: not %run %t box > %t.box 2>&1; FileCheck %s --check-prefix=FAULT < %t.box
// CHECK: lib_bump: 0x5ed
// FAULT-NOT: read:
// FAULT: bulkhead: protection-key fault: {{.*}} in compartment 'lib' {{.*}} from the default domain
#include <cstdio>
#include <cstring>

int lib_bump();
int *lib_counter_address();
int *lib_box_address();

int main(int argc, char **argv) {
  printf("lib_bump: %#x\n", lib_bump());
  if (argc > 1) {
    int *p = !strcmp(argv[1], "box") ? lib_box_address() : lib_counter_address();
    printf("read: %#x\n", *(volatile int *)p);
  }
  return 0;
}
