// C code built with -fexceptions has landing pads too (a cleanup
// attribute's): each gets the runtime's exception hand-over before its
// gate, as C++'s do (landing-pad-exception.cpp), and the IR stays valid.
// RUN: %clang_bh -fexceptions -O2 -S -emit-llvm -o - %s | %opt -passes=verify -S -o - | FileCheck %s
// RUN: %clang_bh_shared -fexceptions -O0 -S -emit-llvm -o - %s | %opt -passes=verify -S -o - | FileCheck %s
#include <bulkhead.h>

extern void may_throw(int);
BULKHEAD_DATA(vault) int vault_done;
static void done(int *p) { vault_done += *p; }

// CHECK-LABEL: define {{.*}}@__bulkhead_body.vault_run(
// CHECK: landingpad
// CHECK: extractvalue { ptr, i32 } %{{.*}}, 0
// CHECK-NEXT: call ptr asm sideeffect "leaq {{.*}}vault{{.*}}(%rip), %rsi
// CHECK-SAME: leaq 1f(%rip), %r11\0A\09jmp __bulkhead_exception_arrives\0A1:"
BULKHEAD_ENTRY(vault) void vault_run(int v) {
  int x __attribute__((cleanup(done))) = v;
  may_throw(x);
}
