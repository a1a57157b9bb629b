// A call from the default domain into a compartment entry is wrapped in two
// checked gates: into the vault before, back to the default domain after.
// With shared stacks the gates sit around the call; with per-compartment
// stacks (what bulkhead-clang ships) the call goes to a trampoline that
// holds both gates around its call of the entry's body.
// RUN: %clang_bh_shared -O2 -S -o - %s | FileCheck %s --check-prefixes=CHECK,DESC
// RUN: %clang_bh_shared -O0 -S -o - %s | FileCheck %s --check-prefixes=CHECK,DESC
// RUN: %clang_bh -O2 -S -o - %s | FileCheck %s --check-prefixes=STACKS,DESC
// RUN: %clang_bh -O0 -S -o - %s | FileCheck %s --check-prefixes=STACKS,DESC
#include <bulkhead.h>

BULKHEAD_ENTRY(vault) int vault_get(int i);

int use(int i) { return vault_get(i) + 1; }

// CHECK-LABEL: use:
// CHECK:      xorl %ecx, %ecx
// CHECK-NEXT: xorl %edx, %edx
// CHECK-NEXT: movl __bulkhead_domain.vault(%rip), %eax
// CHECK-NEXT: [[IN:.Ltmp[0-9]+]]:
// CHECK-NEXT: wrpkru
// CHECK-NEXT: cmpl __bulkhead_domain.vault(%rip), %eax
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

// STACKS-LABEL: use:
// STACKS-NOT:   wrpkru
// STACKS:       callq __bulkhead_tramp.__bulkhead_body.vault_get.0.0
// STACKS-NOT:   wrpkru
// STACKS-LABEL: .Lfunc_end0:
// STACKS-LABEL: __bulkhead_tramp.__bulkhead_body.vault_get.0.0:
// STACKS:      movl __bulkhead_domain.vault(%rip), %eax
// STACKS-NEXT: [[IN:.Ltmp[0-9]+]]:
// STACKS-NEXT: wrpkru
// STACKS-NEXT: cmpl __bulkhead_domain.vault(%rip), %eax
// STACKS-NEXT: je [[OK:.Ltmp[0-9]+]]
// STACKS-NEXT: ud2
// STACKS-NEXT: [[OK]]:
// STACKS-NEXT: .section .bulkhead.gates,"R",@progbits
// STACKS-NEXT: .quad [[IN]]
// STACKS:      callq __bulkhead_body.vault_get
// STACKS:      movl __bulkhead_domain0(%rip), %eax
// STACKS-NEXT: [[OUT:.Ltmp[0-9]+]]:
// STACKS-NEXT: wrpkru
// STACKS-NEXT: cmpl __bulkhead_domain0(%rip), %eax
// STACKS:      .quad [[OUT]]
// STACKS:      retq

// The descriptor the runtime reads: one page, in its comdat, kept.
// DESC: .section bulkhead_domains,"awGR",@progbits,__bulkhead_domain.vault,comdat{{.*}}
// DESC: .p2align 12
// DESC: __bulkhead_domain.vault:
// DESC: .size __bulkhead_domain.vault, 4096
