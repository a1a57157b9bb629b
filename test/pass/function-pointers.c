// Taking a function's address yields a wrapper for the domain where the
// address is taken: it enters the function's domain and returns to the
// creator's. Indirect calls in compartment code and setjmp returns re-enter
// the caller's domain (skipped when already there); default-domain code
// calls the runtime's out-of-line re-entry after an indirect call. Static helpers whose address is never taken
// are shared, and get neither gates nor wrappers. Both stack modes: with
// per-compartment stacks a wrapper reaches its function through
// trampolines (OP vs STACKS-OP).
// RUN: %clang_bh -O2 -S -emit-llvm -o - %s | FileCheck %s
// RUN: %clang_bh -O0 -S -emit-llvm -o - %s | FileCheck %s
// RUN: %clang_bh_shared -O2 -S -emit-llvm -o - %s | FileCheck %s
// RUN: %clang_bh_shared -O0 -S -emit-llvm -o - %s | FileCheck %s
// RUN: %clang_bh_shared -O2 -S -emit-llvm -o - %s | FileCheck %s --check-prefix=OP
// RUN: %clang_bh -O2 -S -emit-llvm -o - %s | FileCheck %s --check-prefix=STACKS-OP
// RUN: %clang_bh -O2 -S -emit-llvm -o - %s | FileCheck %s --check-prefix=CMP
// RUN: %clang_bh_shared -O2 -S -emit-llvm -o - %s | FileCheck %s --check-prefix=CMP
#include <bulkhead.h>
#include <setjmp.h>

BULKHEAD_ENTRY(vault) int vault_op(int);
BULKHEAD_INTERNAL(vault) static int vault_cmp(const void *a, const void *b) { return a < b; }
void sort_with(int (*)(const void *, const void *));
static int helper(int x) { return x * 2; }
int callback(int x) { return x + 1; }

int (*table[])(int) = {vault_op, callback};

BULKHEAD_ENTRY(vault) void vault_sort(void) { sort_with(vault_cmp); }
BULKHEAD_ENTRY(vault) int vault_uses_helper(int x) { return helper(x); }
int default_uses_helper(int x) { return helper(x); }

static jmp_buf jb;
int call_through(int (*f)(int)) {
  if (setjmp(jb))
    return -1;
  return f(1);
}
BULKHEAD_ENTRY(vault) int vault_call(int (*f)(int)) { return f(2); }

// Pointers made in the default domain (a table) and in the vault (qsort-like).
// CHECK-DAG: @table = {{.*}}[ptr @__bulkhead_wrap.vault_op.0, ptr @__bulkhead_wrap.callback.0]
// CHECK-DAG: call void @sort_with(ptr {{.*}}@__bulkhead_wrap.vault_cmp.vault)

// Static helpers are called directly, from either domain, with no gate.
// CHECK-LABEL: define {{.*}} @__bulkhead_body.vault_uses_helper(
// CHECK-NOT:   asm
// CHECK:       ret
// CHECK-LABEL: define {{.*}} @default_uses_helper(
// CHECK-NOT:   asm
// CHECK:       ret

// After setjmp and after an indirect call: back to the caller's domain, if
// not already there.
// CHECK-LABEL: define {{.*}} @call_through(
// The setjmp result goes through the gate in a register: nothing touches
// the stack before the gate. A longjmp from another domain brought its
// registers: the caller-saved ones are cleared in place first, no call
// (review 79b, runtime/attacks-rev79b-longjmp-vectors.c), the x87 ones
// too (runtime/attacks-x87-frame.c).
// CHECK:       [[JMP:%.*]] = call i32 @_setjmp(
// CHECK-NEXT:  call i32 asm sideeffect "# scrub in place\0Axorl %esi, %esi\0A{{.*}}testb $$2, __bulkhead_domain0+80(%rip)\0A{{.*}}vpxord %xmm\\r{{.*}}9903:\0A{{.*}}ffree %st({{.*}}fldz\0A{{.*}}fstp %st(0)\0A.endr\0Afxam\0A# skip the gate if the rights are held\0Acmpl $$0, __bulkhead_domain0+12(%rip)\0Aje 3f\0Axorl %ecx, %ecx\0Ardpkru\0Acmpl __bulkhead_domain0(%rip), %eax\0Aje 3f\0A# checked gate\0A{{.*}}wrpkru{{.*}}", "=r,0,{{.*}}~{rsi},~{rdi},~{r8},~{r9},~{r10},~{r11},~{xmm0},{{.*}}~{xmm31},~{k0},{{.*}},~{k7},~{st},~{st(1)},{{.*}},~{st(7)}"(i32 [[JMP]])
// CHECK:       call i32 %{{.*}}(i32 noundef 1)
// CHECK-NEXT:  call void asm sideeffect "callq __bulkhead_reenter_default", "~{memory},{{.*}}"()
// CHECK-NOT:   wrpkru
// CHECK:       ret
// CHECK-LABEL: define {{.*}} @__bulkhead_body.vault_call(
// CHECK:       call i32 %{{.*}}(i32 noundef 2)
// CHECK-NEXT:  call void asm sideeffect "{{.*}}cmpl $$0, __bulkhead_domain0+12(%rip){{.*}}rdpkru{{.*}}__bulkhead_domain.vault{{.*}}wrpkru

// The wrappers: one per (function, creating domain), shared across modules
// unless the function is static. The way back depends on the rights the
// wrapper was entered with: to the creator only when entered with the
// creator's rights, no switch when entered inside the function's domain,
// else to the default domain.
// OP-LABEL: define linkonce_odr hidden i32 @__bulkhead_wrap.vault_op.0(i32 {{.*}}) {{.*}}comdat
// OP:       call i32 asm sideeffect "{{.*}}rdpkru\0Acmpl __bulkhead_domain0(%rip), %eax\0A3:\0A", "={@ccz}
// OP:       asm sideeffect "{{.*}}movl __bulkhead_domain.vault(%rip), %eax{{.*}}wrpkru
// OP-NEXT:  call i32 @__bulkhead_body.vault_op(
// OP-NEXT:  zext i32 %{{.*}} to i64
// OP-NEXT:  asm "", "=r,0"(i64
// OP-NEXT:  trunc i64 %{{.*}} to i32
// OP-NEXT:  asm sideeffect "{{.*}}movl __bulkhead_domain0(%rip), %eax{{.*}}wrpkru
// With per-compartment stacks: entered inside the vault, a plain call;
// with the creator's rights, the trampoline from the creator; else the
// trampoline for a caller found at run time (its callee by index, in r10).
// STACKS-OP-LABEL: define linkonce_odr hidden i32 @__bulkhead_wrap.vault_op.0(i32 {{.*}}) {{.*}}section "bulkhead_wrappers" comdat
// STACKS-OP:       call i32 asm sideeffect "{{.*}}rdpkru\0Acmpl __bulkhead_domain.vault(%rip), %eax\0A3:\0A", "={@ccz}
// STACKS-OP-NOT:   wrpkru
// STACKS-OP-DAG:   call i32 @__bulkhead_body.vault_op(
// STACKS-OP-DAG:   call i32 asm sideeffect "{{.*}}rdpkru\0Acmpl __bulkhead_domain0(%rip), %eax\0A3:\0A", "={@ccz}
// STACKS-OP-DAG:   notail call i32 @__bulkhead_tramp.__bulkhead_body.vault_op.0.0(
// STACKS-OP-DAG:   call i32 @__bulkhead_tramp_any.vault.g1x0.w4(ptr nest null,
// STACKS-OP:       }
// The wrapper of an internal function calls it only for a caller that
// already holds its compartment's rights (qsort running for the vault), and
// stops any other (issue 11): it never enters the compartment.
// CMP-LABEL: define internal {{.*}}i32 @__bulkhead_wrap.vault_cmp.vault(
// CMP-NOT:   section
// CMP:       call i32 asm sideeffect "{{.*}}rdpkru\0Acmpl __bulkhead_domain.vault(%rip), %eax\0A3:\0A", "={@ccz}
// CMP-NOT:   wrpkru
// CMP:       tail call i32 @vault_cmp(
// CMP-NEXT:  ret i32
// CMP-NOT:   wrpkru
// CMP:       call void @__bulkhead_unsupported_call(
// CMP-NEXT:  call void @llvm.trap()
// CMP-NEXT:  unreachable
// CMP-NEXT:  }
