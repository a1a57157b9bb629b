// -fpkey-compartment=NAME cannot move a global with a section of its own
// into the compartment (the program may find it by that section): an error
// naming it, at its file:line with -g, in its file without. One annotated
// BULKHEAD_DATA is moved as asked.
// RUN: not %clang_bh -g -O0 -c -mllvm -bulkhead-compartment=lib -o /dev/null %s 2>&1 | FileCheck %s
// RUN: not %clang_bh -O2 -c -mllvm -bulkhead-compartment=lib -o /dev/null %s 2>&1 | FileCheck %s --check-prefix=NODEBUG
#include <bulkhead.h>

int registry __attribute__((section("my_registry"))) = 1;
// CHECK: whole-library-section.c:[[@LINE-1]]: bulkhead: -fpkey-compartment=lib cannot move 'registry' into the compartment: it has its own section 'my_registry' (annotate it BULKHEAD_DATA(lib) to move it anyway)
// NODEBUG: whole-library-section.c: bulkhead: -fpkey-compartment=lib cannot move 'registry'
BULKHEAD_DATA(lib) int moved __attribute__((section("other"))) = 2;
int plain = 3;
int use(void) { return registry + moved + plain; }
// CHECK-NOT: 'moved'
// CHECK-NOT: 'plain'
