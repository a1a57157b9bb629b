// A call from the default domain into a compartment entry is wrapped in two
// checked gates: into the vault before, back to the default domain after.
// RUN: %clang_bh -O2 -S -o - %s | FileCheck %s
// RUN: %clang_bh -O0 -S -o - %s | FileCheck %s
#include <bulkhead.h>

BULKHEAD_ENTRY(vault) int vault_get(int i);

int use(int i) { return vault_get(i) + 1; }

// CHECK-LABEL: use:
// CHECK:      xorl %ecx, %ecx
// CHECK-NEXT: xorl %edx, %edx
// CHECK-NEXT: movl __bulkhead_domain_vault(%rip), %eax
// CHECK-NEXT: [[IN:.Ltmp[0-9]+]]:
// CHECK-NEXT: wrpkru
// CHECK-NEXT: cmpl __bulkhead_domain_vault(%rip), %eax
// CHECK-NEXT: je [[OK:.Ltmp[0-9]+]]
// CHECK-NEXT: ud2
// CHECK-NEXT: [[OK]]:
// CHECK:      .section .bulkhead.gates,"R",@progbits
// CHECK-NEXT: .quad [[IN]]
// CHECK:      callq __bulkhead_body.vault_get
// CHECK:      movl __bulkhead_domain0(%rip), %eax
// CHECK-NEXT: [[OUT:.Ltmp[0-9]+]]:
// CHECK-NEXT: wrpkru
// CHECK-NEXT: cmpl __bulkhead_domain0(%rip), %eax
// CHECK:      .quad [[OUT]]
// CHECK-LABEL: .Lfunc_end0:

// The descriptor the runtime reads: one page, in its comdat, kept.
// CHECK: .section bulkhead_domains,"awGR",@progbits,__bulkhead_domain_vault,comdat{{.*}}
// CHECK: .p2align 12
// CHECK: __bulkhead_domain_vault:
// CHECK: .size __bulkhead_domain_vault, 4096
