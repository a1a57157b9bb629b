// Every landing pad of a non-shared function first hands the exception to
// the runtime (issue 11, runtime/exceptions.c), before the gate into the
// pad's domain, with the pad's exception pointer in rdi and the pad's
// domain's descriptor in rsi: a catch pad and a cleanup-only pad, in the
// default domain and in a compartment, in both stack modes and at -O0 and
// -O2 (the IR verified).
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
// CHECK-NEXT: call void asm sideeffect "leaq __bulkhead_domain0(%rip), %rsi
// CHECK-SAME: callq __bulkhead_exception_arrives", "{rdi},~{rsi},{{.*}}"(ptr [[E1]])
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
// CHECK-NEXT: call void asm sideeffect "leaq {{.*}}vault{{.*}}(%rip), %rsi
// CHECK-SAME: callq __bulkhead_exception_arrives"
extern "C" BULKHEAD_ENTRY(vault) void vault_cleanup(int v) {
  Guard g;
  may_throw(v);
}

// ASM-LABEL: main_catch:
// ASM: leaq __bulkhead_domain0(%rip), %rsi
// ASM-NEXT: callq __bulkhead_exception_arrives
