// Every landing pad of a non-shared function first hands the exception to
// the runtime (issue 11, runtime/exceptions.c), before the gate into the
// pad's domain, with the pad's exception pointer in rdi and the pad's
// domain's descriptor in rsi: a catch pad and a cleanup-only pad, in the
// default domain and in a compartment, in both stack modes and at -O0 and
// -O2 (the IR verified). Not by a call: the return point goes in r11 and
// the pad jumps to the stub, so that no return address of it is on the
// pad's stack (attacks-rev52-stub-return.cpp); the asm clobbers what a
// call does.
// RUN: %clang_bh -x c++ -O2 -S -emit-llvm -o - %s | %opt -passes=verify -S -o - | FileCheck %s
// RUN: %clang_bh -x c++ -O0 -S -emit-llvm -o - %s | %opt -passes=verify -S -o - | FileCheck %s
// RUN: %clang_bh_shared -x c++ -O2 -S -emit-llvm -o - %s | %opt -passes=verify -S -o - | FileCheck %s
// RUN: %clang_bh_shared -x c++ -O0 -S -emit-llvm -o - %s | %opt -passes=verify -S -o - | FileCheck %s
// RUN: %clang_bh -x c++ -O2 -S -o - %s | FileCheck %s --check-prefix=ASM
#include <bulkhead.h>

extern "C" BULKHEAD_ENTRY(vault) void vault_work(int);
extern void may_throw(int);

struct Guard {
  ~Guard();
};

// CHECK-LABEL: define {{.*}}@main_catch(
// CHECK: landingpad
// CHECK: [[E1:%.*]] = extractvalue { ptr, i32 } %{{.*}}, 0
// CHECK-NEXT: call ptr asm sideeffect "leaq __bulkhead_domain0(%rip), %rsi
// CHECK-SAME: leaq 1f(%rip), %r11\0A\09jmp __bulkhead_exception_arrives\0A1:"
// CHECK-SAME: "={rdi},0,~{rax},~{rcx},~{rdx},~{rsi},~{r8},~{r9},~{r10},~{r11},~{xmm0},
// CHECK-SAME: ~{xmm15},~{xmm16},{{.*}},~{xmm31},~{k0},{{.*}},~{k7},~{memory},{{.*}}~{flags}"(ptr [[E1]])
// CHECK-NEXT: call void asm sideeffect
extern "C" int main_catch(int v) {
  try {
    vault_work(v);
  } catch (int e) {
    return e;
  }
  return 0;
}

// CHECK-LABEL: define {{.*}}@__bulkhead_body.vault_cleanup(
// CHECK: landingpad
// CHECK-NEXT: cleanup
// CHECK: extractvalue { ptr, i32 } %{{.*}}, 0
// CHECK-NEXT: call ptr asm sideeffect "leaq {{.*}}vault{{.*}}(%rip), %rsi
// CHECK-SAME: leaq 1f(%rip), %r11\0A\09jmp __bulkhead_exception_arrives\0A1:"
extern "C" BULKHEAD_ENTRY(vault) void vault_cleanup(int v) {
  Guard g;
  may_throw(v);
}

// ASM-LABEL: main_catch:
// ASM-NOT: call{{.*}}__bulkhead_exception_arrives
// ASM: leaq __bulkhead_domain0(%rip), %rsi
// ASM-NEXT: leaq [[RET:.Ltmp[0-9]+]](%rip), %r11
// ASM-NEXT: jmp __bulkhead_exception_arrives
// ASM-NEXT: [[RET]]:
