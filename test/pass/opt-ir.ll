; The pass works on IR through opt as well as in clang's pipeline: a call
; from the default domain into an annotated entry gets its two gates, a call
; to an internal function from the same compartment gets none, and running
; the pass twice changes nothing (it marks the module).
; RUN: %opt -load-pass-plugin=%plugin -passes=bulkhead -S %s -o %t.ll
; RUN: FileCheck %s < %t.ll
; RUN: %opt -load-pass-plugin=%plugin -passes=bulkhead -S %t.ll | FileCheck %s --check-prefix=TWICE

@.kind.entry = private unnamed_addr constant [21 x i8] c"bulkhead.entry:vault\00", section "llvm.metadata"
@.kind.internal = private unnamed_addr constant [24 x i8] c"bulkhead.internal:vault\00", section "llvm.metadata"
@.file = private unnamed_addr constant [5 x i8] c"t.c\00\00", section "llvm.metadata"
@llvm.global.annotations = appending global [2 x { ptr, ptr, ptr, i32, ptr }] [
  { ptr, ptr, ptr, i32, ptr } { ptr @sign, ptr @.kind.entry, ptr @.file, i32 1, ptr null },
  { ptr, ptr, ptr, i32, ptr } { ptr @mix, ptr @.kind.internal, ptr @.file, i32 2, ptr null }], section "llvm.metadata"

declare i32 @sign(i32)

define internal i32 @mix(i32 %x) {
  %y = mul i32 %x, 3
  ret i32 %y
}

define i32 @main() {
  %r = call i32 @sign(i32 7)
  ret i32 %r
}

; CHECK-LABEL: define i32 @main()
; CHECK-NEXT:  call void asm sideeffect "cmpl $$0, __bulkhead_domain0+12(%rip)\0Aje 2f\0Axorl %ecx, %ecx\0Axorl %edx, %edx\0Amovl __bulkhead_domain_vault(%rip), %eax\0A1: wrpkru\0Acmpl __bulkhead_domain_vault(%rip), %eax\0Aje 2f\0Aud2
; CHECK-NEXT:  %r = notail call i32 @__bulkhead_body.sign(i32 7) #[[NOINL:[0-9]+]]
; CHECK-NEXT:  call void asm sideeffect "xorl %esi, %esi\0A{{.*}}movl __bulkhead_domain0(%rip)
; CHECK-NEXT:  ret i32 %r
; CHECK: !{i32 {{[0-9]+}}, !"bulkhead.instrumented", i32 1}

; TWICE-LABEL: define i32 @main()
; TWICE-NEXT:  call void asm
; TWICE-NEXT:  %r = notail call i32 @__bulkhead_body.sign(i32 7)
; TWICE-NEXT:  call void asm
; TWICE-NEXT:  ret i32 %r
