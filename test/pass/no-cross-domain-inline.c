// A compartment function is never inlined into another domain, even when it
// is static, small and called once; inside its own compartment it still is.
// With per-compartment stacks, the call from another domain goes to a
// trampoline, which calls bump through an operand of its assembly.
// RUN: %clang_bh_shared -O3 -S -emit-llvm -o - %s | FileCheck %s --check-prefixes=CHECK,BOTH
// RUN: %clang_bh -O3 -S -emit-llvm -o - %s | FileCheck %s --check-prefixes=STACKS,BOTH
#include <bulkhead.h>

BULKHEAD_DATA(vault) static int counter;
BULKHEAD_ENTRY(vault) static int bump(void) { return ++counter; }
BULKHEAD_ENTRY(vault) int twice(void) { return bump() + bump(); }
int from_default(void) { return bump(); }

// BOTH-LABEL:  define {{.*}} @__bulkhead_body.twice(
// BOTH-NOT:    call
// BOTH:        ret
// STACKS-LABEL: define {{.*}} @from_default(
// STACKS-NEXT:  notail call i32 @__bulkhead_tramp.bump.0.0()
// STACKS-NEXT:  ret
// STACKS-LABEL: define internal i32 @__bulkhead_tramp.bump.0.0()
// STACKS:       callq ${0:P}{{.*}}"i"(ptr {{.*}}@bump)
// CHECK-LABEL: define {{.*}} @from_default(
// CHECK:       call void asm sideeffect
// CHECK:       call {{.*}} @bump() #[[NOINLINE:[0-9]+]]
// CHECK:       call void asm sideeffect
// CHECK:       attributes #[[NOINLINE]] = { noinline
