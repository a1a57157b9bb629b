// A compartment function is never inlined into another domain, even when it
// is static, small and called once; inside its own compartment it still is.
// RUN: %clang_bh -O3 -S -emit-llvm -o - %s | FileCheck %s
#include <bulkhead.h>

BULKHEAD_DATA(vault) static int counter;
BULKHEAD_ENTRY(vault) static int bump(void) { return ++counter; }
BULKHEAD_ENTRY(vault) int twice(void) { return bump() + bump(); }
int from_default(void) { return bump(); }

// CHECK-LABEL: define {{.*}} @__bulkhead_body.twice(
// CHECK-NOT:   call
// CHECK:       ret
// CHECK-LABEL: define {{.*}} @from_default(
// CHECK:       call void asm sideeffect
// CHECK:       call {{.*}} @bump() #[[NOINLINE:[0-9]+]]
// CHECK:       call void asm sideeffect
// CHECK:       attributes #[[NOINLINE]] = { noinline
