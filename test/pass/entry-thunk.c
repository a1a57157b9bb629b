// An entry is split into its body (called directly, through the caller's
// gates, by code that sees the annotation) and a thunk under its own name for
// callers that do not: it enters the compartment and returns to the default
// domain, or just calls the body when already inside the compartment.
// RUN: %clang_bh -O2 -S -emit-llvm -o - %s | FileCheck %s
// RUN: %clang_bh -O2 -S -o - %s | FileCheck %s --check-prefix=ASM
#include <bulkhead.h>

BULKHEAD_DATA(vault) static int secret = 42;
BULKHEAD_ENTRY(vault) int vault_get(void) { return secret; }
BULKHEAD_ENTRY(vault) static int vault_static(void) { return secret + 1; }
BULKHEAD_ENTRY(vault) int vault_printf(const char *fmt, ...) { return fmt[0] + secret; }
int use(void) { return vault_get() + vault_static(); }

// CHECK-LABEL: define {{.*}}i32 @__bulkhead_body.vault_get()
// CHECK:       load i32, ptr @secret
// CHECK-LABEL: define {{.*}}i32 @use()
// CHECK:       call i32 @__bulkhead_body.vault_get()
// CHECK-LABEL: define dso_local i32 @vault_get()
// CHECK:       call i32 asm sideeffect "cmpl $$0, __bulkhead_domain0+12(%rip)\0Aje 1f\0Axorl %ecx, %ecx\0Ardpkru\0Acmpl __bulkhead_domain_vault(%rip), %eax\0A1:", "={@ccz}
// CHECK-DAG:   notail call i32 @__bulkhead_body.vault_get()
// CHECK-DAG:   asm sideeffect "{{.*}}__bulkhead_domain_vault{{.*}}wrpkru{{.*}}"{{.*}}
// CHECK-NEXT:  notail call i32 @__bulkhead_body.vault_get()
// CHECK-NEXT:  asm sideeffect "{{.*}}__bulkhead_domain0{{.*}}wrpkru
// Static and variadic entries keep their name and get no thunk.
// CHECK-NOT:   define {{.*}} @__bulkhead_body.vault_static
// CHECK-NOT:   define {{.*}} @__bulkhead_body.vault_printf

// ASM-DAG: .globl vault_get
// ASM-DAG: .globl __bulkhead_body.vault_get
// ASM-DAG: .globl vault_printf
