; The domain analysis, printed by print<bulkhead-domains>, before any
; transformation: an annotated entry and an internal function are their
; compartment's; an unannotated external function is default-domain code; a
; static function whose address is never taken and an inline function are
; helpers (shared, copied into each compartment that calls them); a static
; function whose address is taken is a callback (default domain); a
; declaration is shared library code. The printer changes nothing: the
; module it leaves has no gate.
; RUN: %opt_bh -passes='print<bulkhead-domains>' -disable-output %s 2>&1 | FileCheck %s
; RUN: %opt_bh -passes='print<bulkhead-domains>' -S %s 2>/dev/null | FileCheck %s --check-prefix=UNCHANGED

; CHECK-LABEL: bulkhead domains of
; CHECK-NEXT:  vault_get: compartment vault, entry
; CHECK-NEXT:  vault_mix: compartment vault, internal
; CHECK-NEXT:  user: default
; CHECK-NEXT:  static_helper: shared, helper
; CHECK-NEXT:  inline_helper: shared, helper
; CHECK-NEXT:  callback: default
; CHECK-NEXT:  takes_callback: shared, declaration
; CHECK-NOT:   {{.}}

; UNCHANGED-NOT: wrpkru
; UNCHANGED-NOT: __bulkhead_body

@.kind.entry = private unnamed_addr constant [21 x i8] c"bulkhead.entry:vault\00", section "llvm.metadata"
@.kind.internal = private unnamed_addr constant [24 x i8] c"bulkhead.internal:vault\00", section "llvm.metadata"
@.file = private unnamed_addr constant [4 x i8] c"t.c\00", section "llvm.metadata"
@llvm.global.annotations = appending global [2 x { ptr, ptr, ptr, i32, ptr }] [
  { ptr, ptr, ptr, i32, ptr } { ptr @vault_get, ptr @.kind.entry, ptr @.file, i32 1, ptr null },
  { ptr, ptr, ptr, i32, ptr } { ptr @vault_mix, ptr @.kind.internal, ptr @.file, i32 2, ptr null }], section "llvm.metadata"

define i32 @vault_get() {
  %r = call i32 @vault_mix(i32 1)
  ret i32 %r
}

define internal i32 @vault_mix(i32 %x) {
  ret i32 %x
}

define i32 @user() {
  %a = call i32 @vault_get()
  %b = call i32 @static_helper(i32 %a)
  %c = call i32 @inline_helper(i32 %b)
  call void @takes_callback(ptr @callback)
  ret i32 %c
}

define internal i32 @static_helper(i32 %x) {
  ret i32 %x
}

define i32 @inline_helper(i32 %x) inlinehint {
  ret i32 %x
}

define internal void @callback() {
  ret void
}

declare void @takes_callback(ptr)
