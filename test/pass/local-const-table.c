// A local `const` array of a compartment's own functions: clang puts its
// initializer in a private constant global (__const.apply.loc), which only
// that compartment's code reads. Its pointers are the compartment's own
// (wrappers created by it), not an internal function escaping to the
// default domain (found building SQLite's FTS3 as a compartment).
// RUN: %clang_bh -mllvm -bulkhead-compartment=lib -O0 -S -emit-llvm -Xclang -disable-O0-optnone -o - %s | %opt -passes=verify -S -o - | FileCheck %s
// RUN: %clang_bh_shared -mllvm -bulkhead-compartment=lib -O0 -S -emit-llvm -o - %s | %opt -passes=verify -S -o - | FileCheck %s
// CHECK: @__const.apply.loc = private {{.*}}[ptr @__bulkhead_wrap.f1.lib, ptr @__bulkhead_wrap.f2.lib]
static int f1(int x) { return x + 1; }
static int f2(int x) { return x * 2; }
int apply(int which, int x) {
  int (*const loc[])(int) = {f1, f2};
  return loc[which & 1](x);
}
