; Aliases judged by what they finally reach (review 12d). A global alias
; of compartment code through a local alias (or several) aliases the
; code's gateway, as the local one does: an entry's thunk, an internal
; function's refusing gateway (attacks-review12d-alias-chain.c). A
; module-asm alias of default-domain code is marked although the module
; declares its name (attacks-review12d-asm-alias-declared.c); a module-asm
; alias of an entry's name (its thunk) is accepted. Odd input leaves the
; pass quiet and the IR valid: an asm alias of an undefined name or of
; data, aliases of aliases of data, an ifunc; in both stack modes.
; RUN: %opt_bh_shared -passes=bulkhead,verify -verify-each -S %s -o %t.ll
; RUN: FileCheck %s < %t.ll
; RUN: FileCheck %s --check-prefix=NONE < %t.ll
; RUN: %opt_bh -passes=bulkhead,verify -verify-each -S %s -o %t.stacks.ll
; RUN: FileCheck %s < %t.stacks.ll
; RUN: FileCheck %s --check-prefix=NONE < %t.stacks.ll
target triple = "x86_64-unknown-linux-gnu"
module asm ".globl asm_sign; .set asm_sign, sign"
module asm ".globl tick; .set tick, heartbeat"
module asm ".globl asm_undef; .set asm_undef, nowhere"
module asm ".globl asm_data; .set asm_data, counter_chain"
module asm ".globl asm_mix; .set asm_mix, mix_chain"

@.kind.entry = private unnamed_addr constant [21 x i8] c"bulkhead.entry:vault\00", section "llvm.metadata"
@.kind.internal = private unnamed_addr constant [24 x i8] c"bulkhead.internal:vault\00", section "llvm.metadata"
@.file = private unnamed_addr constant [4 x i8] c"t.c\00", section "llvm.metadata"
@llvm.global.annotations = appending global [2 x { ptr, ptr, ptr, i32, ptr }] [
  { ptr, ptr, ptr, i32, ptr } { ptr @sign, ptr @.kind.entry, ptr @.file, i32 1, ptr null },
  { ptr, ptr, ptr, i32, ptr } { ptr @mix, ptr @.kind.internal, ptr @.file, i32 2, ptr null }], section "llvm.metadata"

@counter = global i32 0
@counter_alias = alias i32, ptr @counter
@counter_chain = alias i32, ptr @counter_alias

; Default-domain code, its asm alias declared and called here.
define void @heartbeat() {
  store i32 1, ptr @counter
  ret void
}
declare void @tick()
define void @twice() {
  call void @tick()
  call void @tick()
  ret void
}
define internal ptr @pick() {
  ret ptr @heartbeat
}
@fast = ifunc void (), ptr @pick

; The vault's code, by chains of aliases.
define i32 @sign(i32 %x) {
  %c = load i32, ptr @counter_chain
  call void @mix_chain()
  ret i32 %x
}
@local_sign = internal alias i32 (i32), ptr @sign
@sign_chain = dso_local alias i32 (i32), ptr @local_sign
@sign_chain2 = dso_local alias i32 (i32), ptr @sign_chain
define internal void @mix() {
  ret void
}
@local_mix = internal alias void (), ptr @mix
@mix_chain = dso_local alias void (), ptr @local_mix
@weak_mix_chain = weak alias void (), ptr @local_mix

define i32 @main() {
  %r = call i32 @sign_chain2(i32 7)
  call void @fast()
  ret i32 %r
}

; A chain keeps its links; the first one the code's gateway, so every name
; in it is the gateway's.
; CHECK-DAG: @local_sign = internal alias i32 (i32), ptr @sign{{$}}
; CHECK-DAG: @sign_chain = dso_local alias i32 (i32), ptr @local_sign{{$}}
; CHECK-DAG: @sign_chain2 = dso_local alias i32 (i32), ptr @sign_chain{{$}}
; CHECK-DAG: @local_mix = internal alias void (), ptr @__bulkhead_alias.mix{{$}}
; CHECK-DAG: @mix_chain = dso_local alias void (), ptr @local_mix{{$}}
; CHECK-DAG: @weak_mix_chain = weak alias void (), ptr @local_mix{{$}}
; CHECK-DAG: @counter_chain = alias i32, ptr @counter_alias
; CHECK-DAG: @fast = ifunc void (), ptr @pick
; CHECK-DAG: @__bulkhead_default.tick = hidden constant i8 0
; CHECK-DAG: c"tick\00", section "bulkhead_defaults"
; CHECK-DAG: @__bulkhead_default.heartbeat = hidden constant i8 0
; In the module, a call by the chain's name is the function's, gated.
; CHECK-LABEL: define {{.*}} @__bulkhead_body.sign(
; CHECK: call void @mix()
; CHECK-LABEL: define {{.*}} @main(
; CHECK: call i32 @__bulkhead_{{(tramp.__bulkhead_)?}}body.sign{{(.0.0)?}}(i32 7)
; CHECK-DAG: define {{.*}}i32 @sign(i32
; CHECK-DAG: define internal void @__bulkhead_alias.mix(

; NONE-NOT: __bulkhead_default.{{asm_sign|asm_undef|asm_data|asm_mix|sign|mix|local_|counter}}
; NONE-NOT: c"{{asm_sign|asm_undef|asm_data|asm_mix|sign_chain|mix_chain}}\00"
