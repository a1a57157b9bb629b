; An alias or ifunc is called by its own name from other modules, which
; cannot tell it from a function: one of default-domain code gets a
; default-domain marker and a listed name as a function does, whatever its
; chain of aliases, weak or hidden, also a global `.set`/`.equ` in module
; asm; one of compartment code, one with
; local linkage, one of data and a linkonce one (C++'s constructor
; aliases of inline code, in many modules) get none. The pass leaves
; valid IR in both stack modes. Within the module, an alias's address is
; its function's, wrapped alike, a weak alias's too (whatever replaces it).
; An alias of compartment code aliases its gateway: an entry's thunk, an
; internal function's refusing gateway (alias-gateways.ll).
; RUN: %opt_bh_shared -passes=bulkhead,verify -verify-each -S %s -o %t.ll
; RUN: FileCheck %s < %t.ll
; RUN: FileCheck %s --check-prefix=NONE < %t.ll
; RUN: %opt_bh -passes=bulkhead,verify -verify-each -S %s -o %t.stacks.ll
; RUN: FileCheck %s < %t.stacks.ll
; RUN: FileCheck %s --check-prefix=NONE < %t.stacks.ll
target triple = "x86_64-unknown-linux-gnu"
module asm ".globl asm_tick"
module asm ".set asm_tick, heartbeat"
module asm "\09.global asm_tock ; .equ asm_tock, asm_tick # a chain"
module asm ".set asm_local, heartbeat"
module asm ".globl asm_data; asm_data = counter"

@.kind.entry = private unnamed_addr constant [21 x i8] c"bulkhead.entry:vault\00", section "llvm.metadata"
@.kind.internal = private unnamed_addr constant [24 x i8] c"bulkhead.internal:vault\00", section "llvm.metadata"
@.file = private unnamed_addr constant [4 x i8] c"t.c\00", section "llvm.metadata"
@llvm.global.annotations = appending global [3 x { ptr, ptr, ptr, i32, ptr }] [
  { ptr, ptr, ptr, i32, ptr } { ptr @sign, ptr @.kind.entry, ptr @.file, i32 1, ptr null },
  { ptr, ptr, ptr, i32, ptr } { ptr @mix, ptr @.kind.internal, ptr @.file, i32 2, ptr null },
  { ptr, ptr, ptr, i32, ptr } { ptr @pick_vault, ptr @.kind.internal, ptr @.file, i32 3, ptr null }], section "llvm.metadata"

@counter = global i32 0
@slot = global ptr null

; Default-domain code, and its aliases and ifuncs.
define void @heartbeat() {
  store i32 1, ptr @counter
  ret void
}
@tick = alias void (), ptr @heartbeat
@tick_of_tick = alias void (), ptr @tick
@weak_tick = weak alias void (), ptr @heartbeat
@hidden_tick = hidden alias void (), ptr @heartbeat
@local_tick = internal alias void (), ptr @heartbeat
define internal void @quiet() {
  store i32 2, ptr @counter
  ret void
}
@loud = alias void (), ptr @quiet
define internal ptr @pick() {
  ret ptr @heartbeat
}
@fast = ifunc void (), ptr @pick
@weak_fast = weak ifunc void (), ptr @pick
@count_alias = alias i32, ptr @counter
define linkonce_odr void @ctor_base() {
  ret void
}
@ctor_complete = linkonce_odr alias void (), ptr @ctor_base

; The vault's code, and its aliases and ifunc.
define i32 @sign(i32 %x) {
  call void @tick()
  call void @tick_of_tick()
  call void @loud()
  call void @fast()
  call void @local_tick()
  call void @ctor_complete()
  store volatile ptr @tick_of_tick, ptr @slot
  store volatile ptr @weak_tick, ptr @slot
  ret i32 %x
}
@sign_alias = alias i32 (i32), ptr @sign
define internal void @mix() {
  ret void
}
@mix_alias = alias void (), ptr @mix
define internal ptr @pick_vault() {
  ret ptr @mix
}
@vault_fast = ifunc void (), ptr @pick_vault

define i32 @main() {
  call void @tick()
  call void @fast()
  %r = call i32 @sign_alias(i32 7)
  ret i32 %r
}

; CHECK-DAG: @__bulkhead_default.heartbeat = hidden constant i8 0
; CHECK-DAG: @__bulkhead_default.tick = hidden constant i8 0
; CHECK-DAG: @__bulkhead_default.tick_of_tick = hidden constant i8 0
; CHECK-DAG: @__bulkhead_default.weak_tick = hidden constant i8 0
; CHECK-DAG: @__bulkhead_default.hidden_tick = hidden constant i8 0
; CHECK-DAG: @__bulkhead_default.loud = hidden constant i8 0
; CHECK-DAG: @__bulkhead_default.fast = hidden constant i8 0
; CHECK-DAG: @__bulkhead_default.weak_fast = hidden constant i8 0
; CHECK-DAG: @__bulkhead_default.asm_tick = hidden constant i8 0
; CHECK-DAG: @__bulkhead_default.asm_tock = hidden constant i8 0
; CHECK-DAG: c"asm_tick\00", section "bulkhead_defaults"
; CHECK-DAG: c"tick\00", section "bulkhead_defaults"
; CHECK-DAG: c"tick_of_tick\00", section "bulkhead_defaults"
; CHECK-DAG: c"weak_tick\00", section "bulkhead_defaults"
; CHECK-DAG: c"hidden_tick\00", section "bulkhead_defaults"
; CHECK-DAG: c"loud\00", section "bulkhead_defaults"
; CHECK-DAG: c"fast\00", section "bulkhead_defaults"
; CHECK-DAG: c"weak_fast\00", section "bulkhead_defaults"
; The aliases themselves are left as they were.
; CHECK-DAG: @tick_of_tick = alias void (), ptr @tick
; CHECK-DAG: @mix_alias = alias void (), ptr @__bulkhead_alias.mix
; CHECK-DAG: @sign_alias = alias i32 (i32), ptr @sign{{$}}
; CHECK-DAG: @fast = ifunc void (), ptr @pick

; CHECK-LABEL: define {{.*}} @__bulkhead_body.sign(
; CHECK: store volatile ptr @__bulkhead_wrap.heartbeat.vault, ptr @slot
; CHECK-NEXT: store volatile ptr @__bulkhead_wrap.heartbeat.vault, ptr @slot
; CHECK-LABEL: define {{.*}} @main(
; CHECK: call i32 @__bulkhead_{{(tramp.__bulkhead_)?}}body.sign{{(.0.0)?}}(i32 7)

; NONE-NOT: __bulkhead_default.asm_local
; NONE-NOT: __bulkhead_default.asm_data
; NONE-NOT: __bulkhead_default.local_tick
; NONE-NOT: __bulkhead_default.quiet
; NONE-NOT: __bulkhead_default.count_alias
; NONE-NOT: __bulkhead_default.ctor_
; NONE-NOT: __bulkhead_default.sign
; NONE-NOT: __bulkhead_default.mix
; NONE-NOT: __bulkhead_default.vault_fast
; NONE-NOT: c"{{sign_alias|mix_alias|vault_fast|local_tick|count_alias|ctor_complete}}\00"
