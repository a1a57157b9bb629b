; Without compartment stacks, a call into a compartment that may throw (an
; invoke) has its integer result cut to its bytes as a call's is, at the
; start of its normal destination before the gate back there
; (runtime/attacks-invoke-narrow-result.cpp: it was not, and the
; compartment's bits above a char or a struct of 1 or 5 bytes reached
; key-0 stack memory through the register the caller kept it in). A
; normal destination that other edges reach gets a block of its own on
; the invoke's edge (the phi there takes the cut value); in one only the
; invoke reaches, a phi of the result goes. The IR verified after each
; pass; the asm cuts the register (movzbl, the 40-bit mask). With stacks,
; the trampolines cut it (andl). -bulkhead-scrub=none keeps it whole.
; RUN: %opt_bh_shared -passes=bulkhead,verify -verify-each -S %s -o %t.ll
; RUN: FileCheck %s < %t.ll
; RUN: %clang -O2 -S -x ir %t.ll -o - | FileCheck %s --check-prefix=ASM
; RUN: %opt_bh -passes=bulkhead,verify -verify-each -S %s -o %t.stacks.ll
; RUN: FileCheck %s --check-prefix=STACKS < %t.stacks.ll
; RUN: %opt_bh_shared -bulkhead-scrub=none -passes=bulkhead,verify -verify-each -S %s | FileCheck %s --check-prefix=NONE
target triple = "x86_64-unknown-linux-gnu"

@.kind.entry = private unnamed_addr constant [21 x i8] c"bulkhead.entry:vault\00", section "llvm.metadata"
@.file = private unnamed_addr constant [5 x i8] c"t.cc\00", section "llvm.metadata"
@llvm.global.annotations = appending global [3 x { ptr, ptr, ptr, i32, ptr }] [
  { ptr, ptr, ptr, i32, ptr } { ptr @vault_byte, ptr @.kind.entry, ptr @.file, i32 1, ptr null },
  { ptr, ptr, ptr, i32, ptr } { ptr @vault_half, ptr @.kind.entry, ptr @.file, i32 2, ptr null },
  { ptr, ptr, ptr, i32, ptr } { ptr @vault_small, ptr @.kind.entry, ptr @.file, i32 3, ptr null }], section "llvm.metadata"

declare signext i8 @vault_byte()
declare signext i16 @vault_half()
declare i40 @vault_small()
declare i32 @__gxx_personality_v0(...)

; CHECK-LABEL: define i8 @plain(
; CHECK: %r = invoke signext i8 @__bulkhead_body.vault_byte()
; CHECK-NEXT: to label %ok unwind label %pad
; CHECK: ok:
; CHECK-NEXT: [[W:%.*]] = zext i8 %r to i64
; CHECK-NEXT: [[C:%.*]] = call i64 asm "", "=r,0"(i64 [[W]])
; CHECK-NEXT: [[T:%.*]] = trunc i64 [[C]] to i8
; CHECK-NEXT: call void asm sideeffect "# scrub
; CHECK-SAME: # checked gate
; CHECK-SAME: __bulkhead_domain0(%rip)
; CHECK-NEXT: ret i8 [[T]]
; ASM-LABEL: plain:
; ASM: callq __bulkhead_body.vault_byte
; ASM-NEXT: .Ltmp
; ASM-NEXT: # %bb.
; ASM-NEXT: movzbl %al, %e
; NONE-LABEL: define i8 @plain(
; NONE-NOT: zext
; NONE: ret i8 %r
define i8 @plain() personality ptr @__gxx_personality_v0 {
  %r = invoke signext i8 @vault_byte() to label %ok unwind label %pad
ok:
  ret i8 %r
pad:
  %lp = landingpad { ptr, i32 } cleanup
  resume { ptr, i32 } %lp
}

; CHECK-LABEL: define i16 @single_phi(
; CHECK: ok:
; CHECK-NOT: phi
; CHECK-NEXT: [[W:%.*]] = zext i16 %r to i64
; CHECK-NEXT: [[C:%.*]] = call i64 asm "", "=r,0"(i64 [[W]])
; CHECK-NEXT: [[T:%.*]] = trunc i64 [[C]] to i16
; CHECK-NEXT: call void asm sideeffect "# scrub
; CHECK-NEXT: ret i16 [[T]]
define i16 @single_phi() personality ptr @__gxx_personality_v0 {
  %r = invoke signext i16 @vault_half() to label %ok unwind label %pad
ok:
  %p = phi i16 [ %r, %0 ]
  ret i16 %p
pad:
  %lp = landingpad { ptr, i32 } cleanup
  resume { ptr, i32 } %lp
}

; CHECK-LABEL: define i40 @shared_dest(
; CHECK: %r = invoke i40 @__bulkhead_body.vault_small()
; CHECK-NEXT: to label %[[EDGE:.*]] unwind label %pad
; CHECK: [[EDGE]]:
; CHECK-NEXT: [[W:%.*]] = zext i40 %r to i64
; CHECK-NEXT: [[C:%.*]] = call i64 asm "", "=r,0"(i64 [[W]])
; CHECK-NEXT: [[T:%.*]] = trunc i64 [[C]] to i40
; CHECK-NEXT: br label %join
; CHECK: join:
; CHECK-NEXT: %p = phi i40 [ [[T]], %[[EDGE]] ], [ 0, %0 ]
; CHECK-NEXT: call void asm sideeffect "# scrub
; CHECK-NEXT: ret i40 %p
; ASM-LABEL: shared_dest:
; ASM: callq __bulkhead_body.vault_small
; ASM: movabsq $1099511627775, %r
; ASM-NEXT: andq %r
define i40 @shared_dest(i1 %c) personality ptr @__gxx_personality_v0 {
  br i1 %c, label %call, label %join
call:
  %r = invoke i40 @vault_small() to label %join unwind label %pad
join:
  %p = phi i40 [ %r, %call ], [ 0, %0 ]
  ret i40 %p
pad:
  %lp = landingpad { ptr, i32 } cleanup
  resume { ptr, i32 } %lp
}

; With stacks: the invokes call trampolines, which cut in their asm.
; STACKS: invoke signext i8 @__bulkhead_tramp.__bulkhead_body.vault_byte.
; STACKS-NOT: call i64 asm "", "=r,0"
; STACKS: invoke signext i16 @__bulkhead_tramp.__bulkhead_body.vault_half.
; STACKS-NOT: call i64 asm "", "=r,0"
; STACKS: invoke i40 @__bulkhead_tramp.__bulkhead_body.vault_small.
; STACKS-DAG: andl $$255, %eax
; STACKS-DAG: andl $$65535, %eax
; STACKS-DAG: shlq $$24, %rax\0Ashrq $$24, %rax
