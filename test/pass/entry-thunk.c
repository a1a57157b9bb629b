// An entry is split into its body (called directly, through the caller's
// gates, by code that sees the annotation) and a thunk under its own name for
// callers that do not: it enters the compartment and returns to the default
// domain, or just calls the body when already inside the compartment. With
// per-compartment stacks, both the caller that sees the annotation and the
// thunk enter through the trampoline, which holds the gates.
// RUN: %clang_bh_shared -O2 -S -emit-llvm -o - %s | FileCheck %s --check-prefixes=CHECK,BOTH
// RUN: %clang_bh_shared -O2 -S -o - %s | FileCheck %s --check-prefix=ASM
// RUN: %clang_bh -O2 -S -emit-llvm -o - %s | FileCheck %s --check-prefixes=STACKS,BOTH
// RUN: %clang_bh -O2 -S -o - %s | FileCheck %s --check-prefix=ASM
#include <bulkhead.h>

BULKHEAD_DATA(vault) static int secret = 42;
BULKHEAD_ENTRY(vault) int vault_get(void) { return secret; }
BULKHEAD_ENTRY(vault) static int vault_static(void) { return secret + 1; }
BULKHEAD_ENTRY(vault) int vault_printf(const char *fmt, ...) { return fmt[0] + secret; }
int use(void) { return vault_get() + vault_static(); }

// BOTH-LABEL:  define {{.*}}i32 @__bulkhead_body.vault_get()
// BOTH:        load i32, ptr @secret
// STACKS-LABEL: define {{.*}}i32 @use()
// STACKS:       notail call i32 @__bulkhead_tramp.__bulkhead_body.vault_get.0.0()
// STACKS-LABEL: define dso_local i32 @vault_get()
// STACKS:       call i32 asm sideeffect "# holds the rights\0Acmpl $$0, __bulkhead_domain0+12(%rip)\0Aje 3f\0Axorl %ecx, %ecx\0Ardpkru\0Acmpl __bulkhead_domain.vault(%rip), %eax\0A3:\0A", "={@ccz}
// STACKS-DAG:   notail call i32 @__bulkhead_body.vault_get()
// STACKS-DAG:   notail call i32 @__bulkhead_tramp.__bulkhead_body.vault_get.0.0()
// STACKS-LABEL: define internal i32 @__bulkhead_tramp.__bulkhead_body.vault_get.0.0()
// STACKS:       __bulkhead_domain.vault(%rip), %eax\0A1: wrpkru{{.*}}callq ${0:P}{{.*}}__bulkhead_domain0(%rip), %eax\0A1: wrpkru
// CHECK-LABEL: define {{.*}}i32 @use()
// CHECK:       call i32 @__bulkhead_body.vault_get()
// CHECK-LABEL: define dso_local i32 @vault_get()
// CHECK:       call i32 asm sideeffect "# holds the rights\0Acmpl $$0, __bulkhead_domain0+12(%rip)\0Aje 3f\0Axorl %ecx, %ecx\0Ardpkru\0Acmpl __bulkhead_domain.vault(%rip), %eax\0A3:\0A", "={@ccz}
// CHECK-DAG:   notail call i32 @__bulkhead_body.vault_get()
// CHECK-DAG:   asm sideeffect "{{.*}}__bulkhead_domain.vault{{.*}}wrpkru{{.*}}"{{.*}}
// CHECK-NEXT:  notail call i32 @__bulkhead_body.vault_get()
// The result cut to its 32 bits before the gate back (review 81a).
// CHECK-NEXT:  zext i32 %{{.*}} to i64
// CHECK-NEXT:  asm "", "=r,0"(i64
// CHECK-NEXT:  trunc i64 %{{.*}} to i32
// CHECK-NEXT:  asm sideeffect "{{.*}}__bulkhead_domain0{{.*}}wrpkru
// Static and variadic entries keep their name and get no thunk.
// BOTH-NOT:    define {{.*}} @__bulkhead_body.vault_static
// BOTH-NOT:    define {{.*}} @__bulkhead_body.vault_printf

// ASM-DAG: .globl vault_get
// ASM-DAG: .globl __bulkhead_body.vault_get
// ASM-DAG: .globl vault_printf
