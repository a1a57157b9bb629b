; An alias of compartment code is called by its name from other files,
; which cannot tell it from a function (review 12): it aliases the code's
; gateway. An entry's alias aliases the entry's thunk, an internal
; function's a gateway that refuses callers without the compartment's
; rights, a static entry's a thunk of its own. In the module, a call or
; address of such an alias is its function's, gated or wrapped as such;
; the compartment's own calls of a weak one stay by its name.
; A compartment's call of its own code by a name another file may define
; (a weak function, a weak alias) tests the name's default-domain marker
; and import at run time: set, the call is gated into the default domain
; and reaches the name through a local function that calls it by name;
; else it is the plain call. ODR names (C++ inline code) are not tested.
; So does the pointer wrapper of a weak internal function.
; The pass leaves valid IR in both stack modes.
; RUN: %opt_bh_shared -passes=bulkhead,verify -verify-each -S %s -o %t.ll
; RUN: FileCheck %s --check-prefixes=CHECK,SHARED < %t.ll
; RUN: %opt_bh -passes=bulkhead,verify -verify-each -S %s -o %t.stacks.ll
; RUN: FileCheck %s --check-prefixes=CHECK,STACKS < %t.stacks.ll
; RUN: FileCheck %s --check-prefix=GATEWAY < %t.ll
; RUN: FileCheck %s --check-prefix=GATEWAY < %t.stacks.ll
; RUN: FileCheck %s --check-prefix=WRAP < %t.ll
; RUN: FileCheck %s --check-prefix=WRAP < %t.stacks.ll
; RUN: FileCheck %s --check-prefix=THUNK < %t.ll
; RUN: FileCheck %s --check-prefix=THUNK < %t.stacks.ll
; RUN: FileCheck %s --check-prefix=BYLOG < %t.ll
; RUN: FileCheck %s --check-prefix=BYLOG < %t.stacks.ll
; RUN: FileCheck %s --check-prefix=BYHOOK < %t.ll
; RUN: FileCheck %s --check-prefix=BYHOOK < %t.stacks.ll
target triple = "x86_64-unknown-linux-gnu"

@.kind.entry = private unnamed_addr constant [21 x i8] c"bulkhead.entry:vault\00", section "llvm.metadata"
@.kind.internal = private unnamed_addr constant [24 x i8] c"bulkhead.internal:vault\00", section "llvm.metadata"
@.file = private unnamed_addr constant [4 x i8] c"t.c\00", section "llvm.metadata"
@llvm.global.annotations = appending global [5 x { ptr, ptr, ptr, i32, ptr }] [
  { ptr, ptr, ptr, i32, ptr } { ptr @sign, ptr @.kind.entry, ptr @.file, i32 1, ptr null },
  { ptr, ptr, ptr, i32, ptr } { ptr @log_default, ptr @.kind.internal, ptr @.file, i32 2, ptr null },
  { ptr, ptr, ptr, i32, ptr } { ptr @weak_hook, ptr @.kind.internal, ptr @.file, i32 3, ptr null },
  { ptr, ptr, ptr, i32, ptr } { ptr @quiet, ptr @.kind.entry, ptr @.file, i32 4, ptr null },
  { ptr, ptr, ptr, i32, ptr } { ptr @odr_hook, ptr @.kind.internal, ptr @.file, i32 5, ptr null }], section "llvm.metadata"

@slot = global ptr null
@table = global [2 x ptr] [ptr @sign_alias, ptr @weak_sign]

define dso_local i32 @sign(i32 %x) {
  call void @log()
  call void @weak_hook()
  call void @odr_hook()
  %p = alloca ptr
  store volatile ptr @log, ptr %p
  store volatile ptr @weak_hook, ptr %p
  %y = call i32 @weak_sign(i32 %x)
  ret i32 %y
}
@sign_alias = dso_local alias i32 (i32), ptr @sign
@weak_sign = weak dso_local alias i32 (i32), ptr @sign

define dso_local void @log_default() {
  ret void
}
@log = weak dso_local alias void (), ptr @log_default
@log_strong = dso_local alias void (), ptr @log_default

define weak dso_local void @weak_hook() {
  ret void
}
define linkonce_odr dso_local void @odr_hook() {
  ret void
}

define internal i32 @quiet() {
  ret i32 1
}
@quiet_alias = dso_local alias i32 (), ptr @quiet

define dso_local i32 @main() {
  %a = call i32 @sign_alias(i32 7)
  %b = call i32 @weak_sign(i32 %a)
  %c = call i32 @quiet_alias()
  store volatile ptr @sign_alias, ptr @slot
  %r = add i32 %b, %c
  ret i32 %r
}

; The aliases: of the entry's thunk, of a refusing gateway, of a thunk.
; CHECK-DAG: @sign_alias = dso_local alias i32 (i32), ptr @sign{{$}}
; CHECK-DAG: @weak_sign = weak dso_local alias i32 (i32), ptr @sign{{$}}
; CHECK-DAG: @log = weak dso_local alias void (), ptr @__bulkhead_alias.log_default
; CHECK-DAG: @log_strong = dso_local alias void (), ptr @__bulkhead_alias.log_default
; CHECK-DAG: @quiet_alias = dso_local alias i32 (), ptr @__bulkhead_thunk.quiet
; A default-domain initializer: the alias's address is the entry's wrapper.
; CHECK-DAG: @table = global [2 x ptr] [ptr @__bulkhead_wrap.sign.0, ptr @__bulkhead_wrap.sign.0]
; None of them is marked default-domain code.
; CHECK-NOT: @__bulkhead_default.{{sign_alias|weak_sign|log_strong|quiet_alias}} =

; CHECK-LABEL: define hidden i32 @__bulkhead_body.sign(
; The weak alias of its own internal code: tested by name.
; CHECK: load volatile i8, ptr getelementptr inbounds (i8, ptr @__bulkhead_import.log, i64 8)
; CHECK: call void @__bulkhead_{{(tramp.__bulkhead_)?}}by_name.log{{(.vault.0)?}}()
; CHECK: call void @log()
; The weak internal function: tested by name.
; CHECK: load volatile i8, ptr getelementptr inbounds (i8, ptr @__bulkhead_import.weak_hook, i64 8)
; CHECK: call void @__bulkhead_{{(tramp.__bulkhead_)?}}by_name.weak_hook{{(.vault.0)?}}()
; CHECK: call void @weak_hook()
; An ODR name is not.
; CHECK-NOT: __bulkhead_import.odr_hook
; CHECK: call void @odr_hook()
; The address of the weak alias: its function's, wrapped.
; CHECK: store volatile ptr @__bulkhead_wrap.log_default.vault, ptr %p
; CHECK-NEXT: store volatile ptr @__bulkhead_wrap.weak_hook.vault, ptr %p
; The compartment's own call of its entry's weak alias: of a thunk, gated
; into the default domain whatever replaces it, its argument cut to its width.
; SHARED: wrpkru
; SHARED-NEXT: call i32 @weak_sign(i32 %{{[0-9]+}})
; STACKS: call i32 @__bulkhead_tramp.sign.vault.0(i32 %{{[0-9]+}})

; CHECK-LABEL: define dso_local i32 @main(
; The default domain's calls of the aliases are the functions' calls,
; gated (an internal function's would be an error).
; SHARED: call i32 @__bulkhead_body.sign(i32 7)
; SHARED: call i32 @__bulkhead_body.sign(i32 %{{.*}})
; SHARED: call i32 @quiet()
; STACKS: call i32 @__bulkhead_tramp.__bulkhead_body.sign.0.0(i32 7)
; STACKS: call i32 @__bulkhead_tramp.__bulkhead_body.sign.0.0(i32 %a)
; STACKS: call i32 @__bulkhead_tramp.quiet.0.0()
; CHECK: store volatile ptr @__bulkhead_wrap.sign.0, ptr @slot

; The refusing gateway: the internal function only with the vault's rights.
; GATEWAY-LABEL: define internal void @__bulkhead_alias.log_default()
; GATEWAY: rdpkru
; GATEWAY: tail call void @log_default()
; GATEWAY: call void @__bulkhead_unsupported_call(
; The weak internal function's pointer wrapper: with the vault's rights,
; an override is called by name in the default domain, else the function.
; WRAP-LABEL: define linkonce_odr {{.*}}void @__bulkhead_wrap.weak_hook.vault()
; WRAP: rdpkru
; WRAP: load volatile i8, ptr getelementptr inbounds (i8, ptr @__bulkhead_import.weak_hook, i64 8)
; WRAP: call void @__bulkhead_{{(tramp.__bulkhead_)?}}by_name.weak_hook{{(.vault.0)?}}()
; WRAP: tail call void @weak_hook()
; WRAP: call void @__bulkhead_unsupported_call(
; The thunk of the static entry.
; THUNK-LABEL: define internal i32 @__bulkhead_thunk.quiet()
; THUNK: rdpkru
; The by-name callers: a call of the name.
; BYLOG-LABEL: define internal void @__bulkhead_by_name.log()
; BYLOG-NEXT: tail call void @log()
; BYHOOK-LABEL: define internal void @__bulkhead_by_name.weak_hook()
; BYHOOK-NEXT: tail call void @weak_hook()
