; The address of a function only declared in the module (default-domain
; code of another file or object, or libc) is a wrapper per (function,
; creator), linkonce_odr in a comdat: it tests the function's marker and
; import at run time, jumps to the function with its caller's rights when
; neither is set, and otherwise behaves as the wrapper of a default-domain
; function. Left alone: direct calls, intrinsics, weak declarations (their
; address is tested against null), variadic functions, the runtime's
; symbols, exit handlers, and declarations whose calls warn. The pass
; leaves valid IR in both stack modes.
; RUN: %opt_bh_shared -passes=bulkhead,verify -verify-each -S %s -o %t.ll
; RUN: FileCheck %s --check-prefixes=CHECK,SHARED < %t.ll
; RUN: %opt_bh -passes=bulkhead,verify -verify-each -S %s -o %t.stacks.ll
; RUN: FileCheck %s --check-prefixes=CHECK,STACKS < %t.stacks.ll
target triple = "x86_64-unknown-linux-gnu"

@.kind.entry = private unnamed_addr constant [21 x i8] c"bulkhead.entry:vault\00", section "llvm.metadata"
@.file = private unnamed_addr constant [4 x i8] c"t.c\00", section "llvm.metadata"
@llvm.global.annotations = appending global [1 x { ptr, ptr, ptr, i32, ptr }] [
  { ptr, ptr, ptr, i32, ptr } { ptr @vault_call, ptr @.kind.entry, ptr @.file, i32 1, ptr null }], section "llvm.metadata"

; A default-domain table of a declared function: the default domain's wrapper.
; CHECK: @table = global [2 x ptr] [ptr @__bulkhead_declwrap.strcmp.0, ptr @__bulkhead_declwrap.peek.0]
@table = global [2 x ptr] [ptr @strcmp, ptr @peek]
@slot = global ptr null
; Its import, on the imports' pages (CallGates.cpp).
; CHECK: @__bulkhead_import.peek = internal global {{.*}} section "bulkhead_imports"

declare i32 @peek()
; Defined here: its wrapper also defines, strongly, the name that modules
; where it is only declared give theirs, so the pointers are equal.
; CHECK: @__bulkhead_declwrap.own.0 = hidden alias i32 (), ptr @__bulkhead_wrap.own.0
define i32 @own() {
  ret i32 1
}
; A weak one may be defined in several modules: no alias.
; CHECK-NOT: @__bulkhead_declwrap.fallback.0 =
define weak i32 @fallback() {
  ret i32 2
}
declare i32 @strcmp(ptr, ptr) #0
declare extern_weak void @hook()
declare void @handler()
declare i32 @atexit(ptr)
declare i32 @printf(ptr, ...)
declare void @qsort(ptr, i64, i64, ptr)
declare void @warned() #1
declare void @bulkhead_something()
declare void @llvm.trap()

; The compartment's pointer: its own wrapper, whose direct call stays one.
; CHECK-LABEL: define hidden i32 @__bulkhead_body.vault_call(
; CHECK: store volatile ptr @__bulkhead_declwrap.peek.vault, ptr
define i32 @vault_call() {
  %f = alloca ptr
  store volatile ptr @peek, ptr %f
  %p = load volatile ptr, ptr %f
  %r = call i32 %p()
  ret i32 %r
}

; CHECK-LABEL: define void @default_code(
define void @default_code(ptr %v) {
; CHECK: call void @qsort(ptr %v, i64 1, i64 8, ptr @__bulkhead_declwrap.strcmp.0)
  call void @qsort(ptr %v, i64 1, i64 8, ptr @strcmp)
; CHECK: icmp eq ptr %{{.*}}, @__bulkhead_declwrap.strcmp.0
  %s = load ptr, ptr @slot
  %same = icmp eq ptr %s, @strcmp
; A direct call is no address.
; CHECK: call i32 @peek()
  %x = call i32 @peek()
; CHECK: icmp ne ptr @hook, null
  %h = icmp ne ptr @hook, null
; CHECK: call i32 @atexit(ptr @handler)
  call i32 @atexit(ptr @handler)
; CHECK: store ptr @printf, ptr @slot
  store ptr @printf, ptr @slot
; CHECK: store ptr @warned, ptr @slot
  store ptr @warned, ptr @slot
; CHECK: store ptr @bulkhead_something, ptr @slot
  store ptr @bulkhead_something, ptr @slot
  store ptr @own, ptr @slot
  store ptr @fallback, ptr @slot
  ret void
}

; The wrapper: one per (function, creator), hidden, in a comdat, outside
; bulkhead_wrappers (a compartment's pointer call reaches it with the
; compartment's rights). It tests the marker and the import first.
; CHECK-LABEL: define linkonce_odr hidden i32 @__bulkhead_declwrap.peek.vault
; CHECK-SAME: () #{{[0-9]+}} comdat {
; CHECK-NEXT: icmp ne ptr @__bulkhead_default.peek, null
; CHECK-NEXT: load volatile i8, ptr getelementptr inbounds (i8, ptr @__bulkhead_import.peek, i64 8)
; CHECK: br i1 %{{.*}}, label %default, label %shared
; CHECK: shared:
; CHECK-NEXT: tail call i32 @peek()
; Set: with the default domain's rights, peek right there; with the
; creator's, into the default domain and back.
; CHECK: default:
; SHARED: rdpkru\0Acmpl __bulkhead_domain.vault(%rip)
; SHARED: from_creator:
; SHARED: wrpkru\0Acmpl __bulkhead_domain0(%rip)
; SHARED-NEXT: call i32 @peek()
; SHARED: wrpkru\0Acmpl __bulkhead_domain.vault(%rip)
; SHARED: inside:
; SHARED-NEXT: call i32 @peek()
; SHARED: elsewhere:
; SHARED-NEXT: wrpkru\0Acmpl __bulkhead_domain0(%rip)
; SHARED-NEXT: call i32 @peek()
; STACKS: rdpkru\0Acmpl __bulkhead_domain0(%rip)
; STACKS: inside:
; STACKS-NEXT: tail call i32 @peek()
; STACKS: rdpkru\0Acmpl __bulkhead_domain.vault(%rip)
; STACKS: call i32 @__bulkhead_tramp.peek.vault.0()
; Any other compartment's rights: from there into the default domain, with
; stacks through the trampoline that finds the caller at run time.
; STACKS: call i32 @__bulkhead_tramp_any.0.{{.*}}(ptr nest null)
; CHECK: }

; strcmp is pure: its wrapper has gates, and claims no memory effects.
; CHECK: define linkonce_odr hidden i32 @__bulkhead_declwrap.strcmp.0(ptr %0, ptr %1) #[[ATTR:[0-9]+]] comdat {
; CHECK: icmp ne ptr @__bulkhead_default.strcmp, null
; CHECK: tail call i32 @strcmp(ptr %0, ptr %1)
; STACKS-LABEL: define internal i32 @__bulkhead_forward.strcmp(
; STACKS-NEXT: tail call i32 @strcmp(

; CHECK-NOT: declwrap.hook
; CHECK-NOT: declwrap.printf
; CHECK-NOT: declwrap.handler
; CHECK-NOT: declwrap.warned
; CHECK-NOT: declwrap.bulkhead_something
; CHECK: attributes #[[ATTR]] = {
; CHECK-NOT: memory(
; CHECK-SAME: }

attributes #0 = { nounwind memory(read) }
attributes #1 = { "dontcall-warn"="checked" }
