// Compartment code calling default-domain code defined here drops its rights
// for the call and takes them back after: rights follow code. With
// per-compartment stacks the call goes through a trampoline out of the vault
// that holds both gates (and leaves the vault's stack for the default one).
// RUN: %clang_bh_shared -O2 -S -o - %s | FileCheck %s
// RUN: %clang_bh -O2 -S -o - %s | FileCheck %s --check-prefix=STACKS
#include <bulkhead.h>

__attribute__((noinline)) int log_event(int e) { return e * 3; }

BULKHEAD_ENTRY(vault) int vault_op(int i) { return log_event(i) + 1; }

// CHECK-LABEL: {{^}}__bulkhead_body.vault_op:
// CHECK:       movl __bulkhead_domain0(%rip), %eax
// CHECK-NEXT:  {{.*}}:
// CHECK-NEXT:  wrpkru
// CHECK:       callq log_event
// CHECK:       movl __bulkhead_domain.vault(%rip), %eax
// CHECK-NEXT:  {{.*}}:
// CHECK-NEXT:  wrpkru
// CHECK:       ret

// STACKS-LABEL: {{^}}__bulkhead_body.vault_op:
// STACKS-NOT:   wrpkru
// STACKS:       callq __bulkhead_tramp.log_event.vault.0
// STACKS-NOT:   wrpkru
// STACKS:       ret
// STACKS-LABEL: {{^}}__bulkhead_tramp.log_event.vault.0:
// STACKS:       movl __bulkhead_domain0(%rip), %eax
// STACKS-NEXT:  {{.*}}:
// STACKS-NEXT:  wrpkru
// STACKS:       callq log_event
// STACKS:       movl __bulkhead_domain.vault(%rip), %eax
// STACKS-NEXT:  {{.*}}:
// STACKS-NEXT:  wrpkru
// STACKS:       retq
