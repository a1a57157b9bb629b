; Every defined function with a personality routine gets one read-only
; entry in bulkhead_own_code: the offset from the entry to the function,
; through a private alias (no dynamic relocation), in the function's own
; comdat (discarded with it), associated with it (dropped with it by
; --gc-sections). Functions with no personality, declarations and
; available_externally copies get none; a second run adds nothing. In a
; shared object each entry is a section-relative PC32, and the runtime
; reads it back as the function's address. A listed function gets a trap
; before each `unreachable` no call precedes, so that it is never empty
; (its address would be the next code's: review 68a); no other does.
; RUN: %opt -load-pass-plugin=%plugin -passes=bulkhead-own-code,verify -S %s -o %t.ll
; RUN: FileCheck %s < %t.ll
; RUN: FileCheck %s --check-prefix=TRAP < %t.ll
; RUN: %opt -load-pass-plugin=%plugin -passes=bulkhead-own-code,verify -S %t.ll -o %t.2.ll
; RUN: tail -n +2 %t.ll > %t.1.body
; RUN: tail -n +2 %t.2.ll > %t.2.body
; RUN: diff %t.1.body %t.2.body
; RUN: %llvm_bin/llc -relocation-model=pic -filetype=obj %t.ll -o %t.o
; RUN: %llvm_bin/llvm-readelf -r %t.o | FileCheck %s --check-prefix=RELOC
; RUN: %clang -fPIC -shared %t.o -o %t.so
; RUN: %llvm_bin/llvm-readelf -r %t.so | FileCheck %s --check-prefix=DYN

target triple = "x86_64-pc-linux-gnu"

$inl = comdat any

declare i32 @__gxx_personality_v0(...)
declare void @may()

; CHECK-DAG: @__bulkhead.own_entry.catches = private constant i32 trunc (i64 sub (i64 ptrtoint (ptr @__bulkhead.own.catches to i64), i64 ptrtoint (ptr @__bulkhead.own_entry.catches to i64)) to i32), section "bulkhead_own_code", align 4, !associated ![[C:[0-9]+]]
; CHECK-DAG: @__bulkhead.own_entry.inl = private constant i32 {{.*}}, section "bulkhead_own_code", comdat($inl), align 4, !associated ![[I:[0-9]+]]
; CHECK-DAG: @llvm.compiler.used = appending global [4 x ptr] [ptr @__bulkhead.own_entry.catches, ptr @__bulkhead.own_entry.inl, ptr @__bulkhead.own_entry.empty, ptr @__bulkhead.own_entry.throws], section "llvm.metadata"
; CHECK-DAG: @__bulkhead.own.catches = private alias void (), ptr @catches
; CHECK-DAG: @__bulkhead.own.inl = private alias void (), ptr @inl
; CHECK-NOT: own{{.*}}plain
; CHECK-NOT: own{{.*}}avail
; CHECK-DAG: ![[C]] = !{ptr @catches}
; CHECK-DAG: ![[I]] = !{ptr @inl}

; TRAP-LABEL: define void @empty()
; TRAP-NEXT: call void @llvm.trap()
; TRAP-NEXT: unreachable
; TRAP-LABEL: define void @throws()
; TRAP-NEXT: call void @may()
; TRAP-NEXT: unreachable
; TRAP-LABEL: define void @unlisted_empty()
; TRAP-NEXT: unreachable

; RELOC: Relocation section '.relabulkhead_own_code'
; RELOC-NEXT: Offset
; RELOC-NEXT: R_X86_64_PC32 {{.*}} .text + 0
; RELOC: Relocation section '.relabulkhead_own_code'
; RELOC-NEXT: Offset
; RELOC-NEXT: R_X86_64_PC32 {{.*}} .text.inl + 0

; DYN-NOT: bulkhead_own_code
; DYN-NOT: R_X86_64_PC32

define void @catches() personality ptr @__gxx_personality_v0 {
  invoke void @may() to label %ok unwind label %pad
ok:
  ret void
pad:
  %lp = landingpad { ptr, i32 } catch ptr null
  ret void
}

define linkonce_odr void @inl() comdat personality ptr @__gxx_personality_v0 {
  invoke void @may() to label %ok unwind label %pad
ok:
  ret void
pad:
  %lp = landingpad { ptr, i32 } cleanup
  resume { ptr, i32 } %lp
}

define void @plain() {
  call void @may()
  ret void
}

define available_externally void @avail() personality ptr @__gxx_personality_v0 {
  ret void
}

define void @empty() personality ptr @__gxx_personality_v0 {
  unreachable
}

define void @throws() personality ptr @__gxx_personality_v0 {
  call void @may()
  unreachable
}

define void @unlisted_empty() {
  unreachable
}
