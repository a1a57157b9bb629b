// With per-compartment stacks, code that may run on a compartment's stack
// traps on a variable-sized allocation larger than a whole stack
// (BH_STACK_SIZE, 1 MiB), before its probes: a size larger than the stack
// pointer wraps above it and no probe runs (review 6,
// runtime/attacks-review6-vla-wrap.c). Per element: 4-byte ints bound the
// count at 262144. The fixed-size allocations stay static (in the entry
// block, before the check), and default-domain code, on the default stack,
// keeps any size.
// RUN: %clang_bh -O0 -S -emit-llvm -o %t.ll %s
// RUN: %opt -passes=verify -disable-output %t.ll
// RUN: FileCheck %s < %t.ll
// RUN: %clang_bh -O2 -S -emit-llvm -o - %s | FileCheck %s --check-prefix=OPT
// RUN: %clang_bh_shared -O2 -S -emit-llvm -o - %s | FileCheck %s --check-prefix=NOSTACKS
#include <bulkhead.h>
#include <string.h>

int use(int *p, int n);

BULKHEAD_ENTRY(vault) int vault_sum(unsigned n) {
  int fixed[4] = {1, 2, 3, 4};
  int v[n];
  memset(v, 0, n * sizeof *v);
  return use(v, (int)n) + use(fixed, 4);
}

int plain_sum(unsigned n) {
  int v[n];
  memset(v, 0, n * sizeof *v);
  return use(v, (int)n);
}

// CHECK-LABEL: define {{.*}} @__bulkhead_body.vault_sum(
// CHECK: alloca [4 x i32]
// CHECK: [[BIG:%.*]] = icmp ugt i64 {{%.*}}, 262144
// CHECK: br i1 [[BIG]]
// CHECK: call void @llvm.trap()
// CHECK-NEXT: unreachable
// CHECK: alloca i32, i64
// CHECK-LABEL: define {{.*}} @plain_sum(
// CHECK-NOT: llvm.trap
// CHECK: alloca i32, i64
// CHECK-NOT: llvm.trap
// CHECK: ret i32

// OPT-LABEL: define {{.*}} @__bulkhead_body.vault_sum(
// OPT: icmp ugt i{{32|64}} {{%.*}}, 262144
// OPT: call void @llvm.trap()
// OPT-LABEL: define {{.*}} @plain_sum(
// OPT-NOT: llvm.trap
// OPT: ret i32

// Shared stacks: no compartment stack to overrun.
// NOSTACKS-NOT: llvm.trap
