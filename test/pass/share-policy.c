// -bulkhead-share=FILE (-fpkey-share): each function the policy names gets
// a bracket, __bulkhead_share_push(sp) at entry and __bulkhead_share_pop(sp)
// at every return (before a musttail call), sp being its stack pointer. An
// entry's body is bracketed, not its thunk; a helper in each copy; an entry
// naming another file matches nothing here. The IR verifies.
// RUN: %clang -O0 -Xclang -disable-O0-optnone -S -emit-llvm -I%prefix/include -D__BULKHEAD__=1 %s -o %t.ll
// RUN: echo "pick share-policy.c  # the file, as a path suffix" > %t.policy
// RUN: echo "tailer" >> %t.policy
// RUN: echo "helper" >> %t.policy
// RUN: echo "vault_make other.c" >> %t.policy
// RUN: echo "vault_entry" >> %t.policy
// RUN: %opt_bh -bulkhead-share=%t.policy -passes=bulkhead -S %t.ll -o %t.out.ll
// RUN: %opt -passes=verify -disable-output %t.out.ll
// RUN: FileCheck %s < %t.out.ll
// RUN: FileCheck %s --check-prefix=THUNK-MAKE < %t.out.ll
// RUN: FileCheck %s --check-prefix=THUNK-ENTRY < %t.out.ll
// And through clang at -O2, where the bracketed functions are optimised:
// RUN: %clang_bh -O2 -mllvm -bulkhead-share=%t.policy -S -emit-llvm %s -o %t.O2.ll
// RUN: %opt -passes=verify -disable-output %t.O2.ll
// RUN: FileCheck %s --check-prefix=O2 < %t.O2.ll
// Without per-compartment stacks too.
// RUN: %opt_bh_shared -bulkhead-share=%t.policy -passes=bulkhead -S %t.ll -o %t.shared.ll
// RUN: %opt -passes=verify -disable-output %t.shared.ll
// RUN: FileCheck %s < %t.shared.ll
// RUN: FileCheck %s --check-prefix=THUNK-MAKE < %t.shared.ll
// RUN: FileCheck %s --check-prefix=THUNK-ENTRY < %t.shared.ll
#include <bulkhead.h>
#include <setjmp.h>
#include <stdlib.h>

BULKHEAD_ENTRY(vault) void *vault_make(int n);
BULKHEAD_ENTRY(vault) void *vault_entry(int n);
BULKHEAD_INTERNAL(vault) static void *pick(int n);
BULKHEAD_INTERNAL(vault) static void *tailer(int n);
static inline void *helper(int n) { return malloc(n); }
jmp_buf env;

void *vault_make(int n) { return n > 3 ? pick(n) : tailer(n); }
void *vault_entry(int n) {
  if (n > 100)
    return NULL;
  return helper(n);
}
static void *pick(int n) {
  if (n > 10)
    return helper(n);
  if (n < 0)
    longjmp(env, 1);
  return malloc(n);
}
static void *tailer(int n) { __attribute__((musttail)) return pick(n); }
void *outside(int n) { return helper(n); }

// CHECK-LABEL: define {{.*}} @__bulkhead_body.vault_make(
// CHECK-NOT:   __bulkhead_share
// CHECK:       ret ptr
// CHECK-LABEL: define internal ptr @pick(
// CHECK:       [[SP:%.*]] = call ptr @llvm.stacksave.p0()
// CHECK-NEXT:  call void @__bulkhead_share_push(ptr [[SP]])
// A longjmp skips the pop (the runtime drops the bracket).
// CHECK-NOT:   __bulkhead_share_pop
// CHECK:       call void @longjmp(
// CHECK:       call void @__bulkhead_share_pop(ptr [[SP]])
// CHECK-NEXT:  ret ptr
// CHECK-LABEL: define internal ptr @tailer(
// CHECK:       [[SP:%.*]] = call ptr @llvm.stacksave.p0()
// CHECK-NEXT:  call void @__bulkhead_share_push(ptr [[SP]])
// CHECK:       call void @__bulkhead_share_pop(ptr [[SP]])
// CHECK-NEXT:  musttail call ptr @pick(
// CHECK-NEXT:  ret ptr
// CHECK-LABEL: define {{.*}} @__bulkhead_body.vault_entry(
// CHECK:       [[SP:%.*]] = call ptr @llvm.stacksave.p0()
// CHECK-NEXT:  call void @__bulkhead_share_push(ptr [[SP]])
// CHECK:       call void @__bulkhead_share_pop(ptr [[SP]])
// CHECK-NEXT:  ret ptr
// CHECK-LABEL: define internal ptr @helper(
// CHECK:       call void @__bulkhead_share_push(
// CHECK:       call void @__bulkhead_share_pop(
// CHECK-LABEL: define dso_local ptr @outside(
// CHECK-NOT:   __bulkhead_share
// CHECK:       ret ptr
// The thunks (in no fixed order) only forward to the bodies.
// THUNK-MAKE-LABEL:  define dso_local ptr @vault_make(
// THUNK-MAKE-NOT:    __bulkhead_share
// THUNK-MAKE:        {{^}$}}
// THUNK-ENTRY-LABEL: define dso_local ptr @vault_entry(
// THUNK-ENTRY-NOT:   __bulkhead_share
// THUNK-ENTRY:       {{^}$}}
// CHECK-LABEL: define internal ptr @helper.bulkhead.vault(
// CHECK:       call void @__bulkhead_share_push(
// CHECK:       call void @__bulkhead_share_pop(

// O2-LABEL: define {{.*}} @__bulkhead_body.vault_make(
// O2:       call void @__bulkhead_share_push(
// O2:       call void @__bulkhead_share_pop(
// O2-LABEL: define {{.*}} @__bulkhead_body.vault_entry(
// O2:       call void @__bulkhead_share_push(
// O2:       call void @__bulkhead_share_pop(
