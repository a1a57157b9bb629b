; Constants whose bytes could hold a WRPKRU (0F 01 EF), XRSTOR (0F AE /5)
; or XRSTORS (0F C7 /3) are computed at run time by `mov $A; rol $k`, with
; A free of 0F bytes: returns, operands, GEP offsets (displacements), switch
; cases, PHI inputs, 64-bit masks, 16-bit stores, doubles, pointers and the
; source of a memcpy and the operand of a memcmp from constant bytes; in a loop, once in its preheader. Operands that must stay constant
; (intrinsics' immediates, inline asm operands) do, and so do safe ones.
; The result verifies, its object code holds none of the patterns (the
; plain IR's holds 15, and two fields that a neighbouring byte would turn
; into one), and a second run changes nothing.
; RUN: %opt -load-pass-plugin=%plugin -passes=bulkhead-gadget-constants,verify -S %s -o %t.ll
; RUN: FileCheck %s < %t.ll
; RUN: %llvm_bin/llc -O2 -filetype=obj %s -o %t.plain.o
; RUN: not %bulkhead_scan %t.plain.o > %t.plain.out 2>&1
; RUN: FileCheck %s --check-prefix=PLAIN < %t.plain.out
; RUN: %llvm_bin/llc -O2 %s -o - | FileCheck %s --check-prefix=PLAIN-ASM
; RUN: %llvm_bin/llc -O2 -filetype=obj %t.ll -o %t.o
; RUN: %bulkhead_scan %t.o
; RUN: %llvm_bin/llc -O0 -filetype=obj %t.ll -o %t.O0.o
; RUN: %bulkhead_scan %t.O0.o
; RUN: %llvm_bin/llc -O2 %t.ll -o - | FileCheck %s --check-prefix=ASM
; RUN: %opt -load-pass-plugin=%plugin -passes=bulkhead-gadget-constants -S %t.ll -o %t.twice.ll
; RUN: sed -e 's/;.*//' %t.ll > %t.once.nc
; RUN: sed -e 's/;.*//' %t.twice.ll > %t.twice.nc
; RUN: diff %t.once.nc %t.twice.nc

target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-unknown-linux-gnu"

; PLAIN-DAG: (ret_const+
; PLAIN-DAG: (xor_const+
; PLAIN-DAG: (eq_const+
; PLAIN-DAG: (index_const+
; PLAIN-DAG: (field_const+
; PLAIN-DAG: (mask64+
; PLAIN-DAG: (store_double+
; PLAIN-DAG: (store_ptr+
; PLAIN-DAG: (copy_const+
; PLAIN-DAG: (compare_const+
; PLAIN-DAG: (phi_const+
; PLAIN-DAG: (sw+
; PLAIN-DAG: (loop_const+
; PLAIN: 15 unvetted

define i32 @ret_const() {
  ret i32 15663375 ; 0xef010f: movl $0xef010f holds 0F 01 EF
}
; CHECK-LABEL: define i32 @ret_const()
; CHECK-NEXT: %bulkhead.const = call i32 asm "movl $$0x80778087, $0\0A\09roll $$1, $0", "=r,~{flags}"()
; CHECK-NEXT: ret i32 %bulkhead.const
; ASM-LABEL: ret_const:
; ASM: movl $2155315335, %eax # imm = 0x80778087
; ASM-NEXT: roll %eax

define i32 @xor_const(i32 %x) {
  %r = xor i32 %x, 3124751 ; 0x2fae0f: 0F AE 2F, an XRSTOR
  ret i32 %r
}
; CHECK-LABEL: define i32 @xor_const(
; CHECK-NEXT: %bulkhead.const = call i32 asm "movl
; CHECK-NEXT: %r = xor i32 %x, %bulkhead.const

define i1 @eq_const(i32 %x) {
  %r = icmp eq i32 %x, 15663375
  ret i1 %r
}
; CHECK-LABEL: define i1 @eq_const(
; CHECK: %r = icmp eq i32 %x, %bulkhead.const

define i8 @index_const(ptr %p) {
  %a = getelementptr inbounds i8, ptr %p, i64 15663375 ; a displacement
  %v = load i8, ptr %a
  ret i8 %v
}
; CHECK-LABEL: define i8 @index_const(
; CHECK-NEXT: %bulkhead.const = call i64 asm "movl $$0x80778087, ${0:k}\0A\09roll $$1, ${0:k}", "=r,~{flags}"()
; CHECK-NEXT: %a = getelementptr i8, ptr %p, i64 %bulkhead.const
; ASM-LABEL: index_const:
; ASM: movl $2155315335, %eax
; ASM-NEXT: roll %eax
; ASM: movzbl (%rdi,%rax), %eax

; Field 1 at offset 4, plus 15663371 bytes: offset 0xef010f, whatever %i.
define i8 @field_const(ptr %p, i64 %i) {
  %a = getelementptr inbounds { i32, [100 x i8] }, ptr %p, i64 %i, i32 1, i64 15663371
  %v = load i8, ptr %a
  ret i8 %v
}
; CHECK-LABEL: define i8 @field_const(
; CHECK-NEXT: %bulkhead.const = call i64 asm "movl $$0x80778087,
; CHECK-NEXT: [[SCALED:%.*]] = mul i64 %i, 104
; CHECK-NEXT: [[OFF:%.*]] = add i64 %bulkhead.const, [[SCALED]]
; CHECK-NEXT: %a = getelementptr i8, ptr %p, i64 [[OFF]]

; 0xef01: EF 01 are the last two bytes of a WRPKRU, which a 0F just before
; the immediate (a ModRM or SIB byte) would complete.
define i32 @lead_const(i32 %x) {
  %r = or i32 %x, 61185
  ret i32 %r
}
; PLAIN-ASM-LABEL: lead_const:
; PLAIN-ASM: orl $61185, %eax
; CHECK-LABEL: define i32 @lead_const(
; CHECK: %r = or i32 %x, %bulkhead.const

define i64 @mask64(i64 %x) {
  %r = and i64 %x, -1224681130993647361 ; 0xef010f00000000ff: movabsq
  ret i64 %r
}
; CHECK-LABEL: define i64 @mask64(
; CHECK-NEXT: %bulkhead.const = call i64 asm "movabsq $$0x{{[0-9a-f]+}}, $0\0A\09rolq $$
; CHECK-NEXT: %r = and i64 %x, %bulkhead.const
; ASM-LABEL: mask64:
; ASM: movabsq
; ASM-NEXT: rolq

define void @store16(ptr %p) {
  store i16 271, ptr %p ; 0x010f: 0F 01 ends the immediate, the next byte could be EF
  ret void
}
; PLAIN-ASM-LABEL: store16:
; PLAIN-ASM: movw $271, (%rdi)
; CHECK-LABEL: define void @store16(
; CHECK-NEXT: %bulkhead.const = call i32 asm "movl
; CHECK-NEXT: [[T:%.*]] = trunc i32 %bulkhead.const to i16
; CHECK-NEXT: store i16 [[T]], ptr %p

define void @store_double(ptr %p) {
  store double 0x3FF0EF010F000000, ptr %p ; stored through movabsq
  ret void
}
; CHECK-LABEL: define void @store_double(
; CHECK-NEXT: %bulkhead.const = call i64 asm "movabsq
; CHECK-NEXT: [[D:%.*]] = bitcast i64 %bulkhead.const to double
; CHECK-NEXT: store double [[D]], ptr %p

define void @store_ptr(ptr %p) {
  store ptr inttoptr (i64 15663375 to ptr), ptr %p
  ret void
}
; CHECK-LABEL: define void @store_ptr(
; CHECK: [[P:%.*]] = inttoptr i64 %bulkhead.const to ptr
; CHECK-NEXT: store ptr [[P]], ptr %p

@bytes = private unnamed_addr constant [8 x i8] c"\0F\01\EF\00\00\00\00\00"
define void @copy_const(ptr %d) {
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr @bytes, i64 8, i1 false)
  ret void
}
; CHECK-LABEL: define void @copy_const(
; CHECK-NEXT: %bulkhead.bytes = call ptr asm "", "=r,0"(ptr @bytes)
; CHECK-NEXT: call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %bulkhead.bytes, i64 8, i1 false)

; Codegen expands a memcmp of a few constant bytes into compares with
; immediates.
@pattern = private unnamed_addr constant [5 x i8] c"\0F\01\EF\3B\05"
define i1 @compare_const(ptr %p) {
  %r = call i32 @memcmp(ptr %p, ptr @pattern, i64 5)
  %z = icmp eq i32 %r, 0
  ret i1 %z
}
; CHECK-LABEL: define i1 @compare_const(
; CHECK-NEXT: %bulkhead.bytes = call ptr asm "", "=r,0"(ptr @pattern)
; CHECK-NEXT: call i32 @memcmp(ptr %p, ptr %bulkhead.bytes, i64 5)

define i32 @phi_const(i1 %c, i32 %y) {
entry:
  br i1 %c, label %a, label %b
a:
  br label %join
b:
  br label %join
join:
  %v = phi i32 [ 15663375, %a ], [ %y, %b ]
  ret i32 %v
}
; CHECK-LABEL: define i32 @phi_const(
; CHECK: a:
; CHECK-NEXT: %bulkhead.const = call i32 asm "movl
; CHECK-NEXT: br label %join
; CHECK: %v = phi i32 [ %bulkhead.const, %a ], [ %y, %b ]

; Risky cases leave the switch for compares on its default path; a risky
; case that goes where the default goes is just dropped. PHIs follow.
define i32 @sw(i32 %x) {
entry:
  switch i32 %x, label %other [
    i32 15663375, label %hit
    i32 3124751, label %hit
    i32 2082575, label %other
    i32 7, label %seven
  ]
hit:
  %h = phi i32 [ 1, %entry ], [ 1, %entry ]
  ret i32 %h
seven:
  ret i32 4
other:
  %o = phi i32 [ 0, %entry ], [ 0, %entry ]
  ret i32 %o
}
; CHECK-LABEL: define i32 @sw(
; CHECK: switch i32 %x, label %[[C1:bulkhead.case[0-9]*]] [
; CHECK-NEXT: i32 7, label %seven
; CHECK-NEXT: ]
; CHECK: %h = phi i32 [ 1, %[[C2:bulkhead.case[0-9]*]] ], [ 1, %[[C1]] ]
; CHECK: [[C1]]:
; CHECK-NEXT: %bulkhead.const{{[0-9]*}} = call i32 asm "movl $$0x80778087
; CHECK-NEXT: [[IS1:%.*]] = icmp eq i32 %x, %bulkhead.const
; CHECK-NEXT: br i1 [[IS1]], label %hit, label %[[C2]]
; CHECK: [[C2]]:
; CHECK-NEXT: %bulkhead.const{{[0-9]*}} = call i32 asm "movl $$0x8017d707
; CHECK-NEXT: [[IS2:%.*]] = icmp eq i32 %x, %bulkhead.const
; CHECK-NEXT: br i1 [[IS2]], label %hit, label %other
; CHECK: %o = phi i32 [ 0, %[[C2]] ]

; In a loop, the constant is computed once, before it (nothing after this
; pass would hoist the asm): in the preheader, once for both uses.
define i32 @loop_const(ptr %p, i64 %n) {
entry:
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i1, %loop ]
  %h = phi i32 [ 0, %entry ], [ %h2, %loop ]
  %a = getelementptr i32, ptr %p, i64 %i
  %v = load i32, ptr %a
  %x = xor i32 %v, 15663375
  %h1 = add i32 %h, %x
  %h2 = mul i32 %h1, 15663375
  %i1 = add i64 %i, 1
  %c = icmp ult i64 %i1, %n
  br i1 %c, label %loop, label %exit
exit:
  ret i32 %h2
}
; CHECK-LABEL: define i32 @loop_const(
; CHECK: entry:
; CHECK-NEXT: %bulkhead.const = call i32 asm "movl $$0x80778087
; CHECK-NEXT: br label %loop
; CHECK: loop:
; CHECK-NOT: asm
; CHECK: %x = xor i32 %v, %bulkhead.const
; CHECK-NOT: asm
; CHECK: %h2 = mul i32 %h1, %bulkhead.const
; CHECK-NOT: asm
; CHECK: exit:

; These stay: an intrinsic's immediate argument, an asm operand that must
; be an immediate, and constants with no risky bytes, even a 0F 01 inside
; the field that a byte of the field itself ends.
define i32 @stays(i32 %x) {
  %a = alloca i8
  call void @llvm.lifetime.start.p0(i64 15663375, ptr %a)
  call void asm sideeffect "# $0", "i"(i32 15663375)
  %r = add i32 %x, 1000
  %s = add i32 %r, 69625 ; 0x10ff9: F9 0F 01 00, a 0F 01 that its own 00 ends
  ret i32 %s
}
; CHECK-LABEL: define i32 @stays(
; CHECK-NOT: bulkhead.const
; CHECK: ret i32 %s

declare void @llvm.memcpy.p0.p0.i64(ptr, ptr, i64, i1)
declare i32 @memcmp(ptr, ptr, i64)
declare void @llvm.lifetime.start.p0(i64 immarg, ptr)
