// Compartment code calling default-domain code defined here drops its rights
// for the call and takes them back after: rights follow code.
// RUN: %clang_bh -O2 -S -o - %s | FileCheck %s
#include <bulkhead.h>

__attribute__((noinline)) int log_event(int e) { return e * 3; }

BULKHEAD_ENTRY(vault) int vault_op(int i) { return log_event(i) + 1; }

// CHECK-LABEL: vault_op:
// CHECK:       movl __bulkhead_domain0(%rip), %eax
// CHECK-NEXT:  {{.*}}:
// CHECK-NEXT:  wrpkru
// CHECK:       callq log_event
// CHECK:       movl __bulkhead_domain_vault(%rip), %eax
// CHECK-NEXT:  {{.*}}:
// CHECK-NEXT:  wrpkru
// CHECK:       ret
