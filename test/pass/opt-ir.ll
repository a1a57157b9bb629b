; The pass works on IR through opt as well as in clang's pipeline: a call
; from the default domain into an annotated entry gets its two gates, a call
; to an internal function from the same compartment gets none, and running
; the pass twice changes nothing (it marks the module). Both stack modes:
; with per-compartment stacks (the default) the gates are in a trampoline.
; RUN: %opt_bh_shared -passes=bulkhead -S %s -o %t.ll
; RUN: FileCheck %s < %t.ll
; RUN: %opt_bh_shared -passes=bulkhead -S %t.ll | FileCheck %s --check-prefix=TWICE
; RUN: %opt_bh -passes=bulkhead -S %s -o %t.stacks.ll
; RUN: FileCheck %s --check-prefix=STACKS < %t.stacks.ll
; RUN: %opt_bh -passes=bulkhead -S %t.stacks.ll | FileCheck %s --check-prefix=STACKS-TWICE

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
; CHECK-NEXT:  call void asm sideeffect "# count\0Acmpl $$0, __bulkhead_domain0+72(%rip)\0Aje 3f\0Alock incq __bulkhead_stats.vault+0(%rip)\0A3:\0A", "~{memory},~{dirflag},~{fpsr},~{flags}"()
; CHECK-NEXT:  call void asm sideeffect "# checked gate\0Acmpl $$0, __bulkhead_domain0+12(%rip)\0Aje 2f\0Axorl %ecx, %ecx\0Axorl %edx, %edx\0Amovl __bulkhead_domain.vault(%rip), %eax\0A1: wrpkru\0Acmpl __bulkhead_domain.vault(%rip), %eax\0Aje 2f\0Aud2
; CHECK-NEXT:  %r = notail call i32 @__bulkhead_body.sign(i32 7) #[[NOINL:[0-9]+]]
; The result cut to its 32 bits before the gate back (review 81a).
; CHECK-NEXT:  [[W:%.*]] = zext i32 %r to i64
; CHECK-NEXT:  [[K:%.*]] = call i64 asm "", "=r,0"(i64 [[W]])
; CHECK-NEXT:  [[T:%.*]] = trunc i64 [[K]] to i32
; CHECK-NEXT:  call void asm sideeffect "# scrub\0Axorl %esi, %esi\0A{{.*}}movl __bulkhead_domain0(%rip)
; CHECK-NEXT:  ret i32 [[T]]
; CHECK: !{i32 {{[0-9]+}}, !"bulkhead.instrumented", i32 1}

; STACKS-LABEL: define i32 @main()
; STACKS-NEXT:  %r = notail call i32 @__bulkhead_tramp.__bulkhead_body.sign.0.0(i32 7)
; STACKS-NEXT:  ret i32 %r
; STACKS-LABEL: define internal i32 @__bulkhead_tramp.__bulkhead_body.sign.0.0(i32 %0) {{.*}}section "bulkhead_trampolines"
; STACKS-NEXT:  call void asm sideeffect "{{.*}}movl __bulkhead_domain.vault(%rip), %eax\0A1: wrpkru\0Acmpl __bulkhead_domain.vault(%rip), %eax\0Aje 2f\0Aud2{{.*}}callq __bulkhead_body.sign@PLT{{.*}}movl __bulkhead_domain0(%rip), %eax\0A1: wrpkru\0Acmpl __bulkhead_domain0(%rip), %eax\0Aje 2f\0Aud2{{.*}}", ""()
; STACKS: !{i32 {{[0-9]+}}, !"bulkhead.instrumented", i32 1}

; STACKS-TWICE-LABEL: define i32 @main()
; STACKS-TWICE-NEXT:  %r = notail call i32 @__bulkhead_tramp.__bulkhead_body.sign.0.0(i32 7)
; STACKS-TWICE-NEXT:  ret i32 %r
; STACKS-TWICE-NOT:   __bulkhead_tramp.__bulkhead_tramp

; TWICE-LABEL: define i32 @main()
; TWICE-NEXT:  call void asm sideeffect "# count
; TWICE-NEXT:  call void asm sideeffect "# checked gate
; TWICE-NEXT:  %r = notail call i32 @__bulkhead_body.sign(i32 7)
; TWICE-NEXT:  zext i32 %r to i64
; TWICE-NEXT:  call i64 asm "", "=r,0"
; TWICE-NEXT:  [[T2:%.*]] = trunc i64
; TWICE-NEXT:  call void asm
; TWICE-NEXT:  ret i32 [[T2]]
