// -fpkey-compartment=NAME (-bulkhead-compartment) claims a module's comdat
// variables too: each gets a name and comdat of the compartment's own, so
// that the linker can only merge it with other modules of that compartment,
// and goes to the compartment's section. Vtables and type_info stay shared.
// RUN: %clang_bh -x c++ -O0 -S -emit-llvm -mllvm -bulkhead-compartment=lib -o - %s | %opt -passes=verify -S -o - | FileCheck %s
// RUN: %clang_bh -x c++ -O2 -S -emit-llvm -mllvm -bulkhead-compartment=lib -o - %s | %opt -passes=verify -S -o - | FileCheck %s
// RUN: %clang_bh -x c++ -O0 -S -emit-llvm -mllvm -bulkhead-compartment=lib -o - %s | FileCheck %s --check-prefix=ONCE
// RUN: %clang_bh_shared -x c++ -O2 -S -emit-llvm -mllvm -bulkhead-compartment=lib -o - %s | %opt -passes=verify -S -o - | FileCheck %s
// RUN: %clang_bh_shared -x c++ -O0 -S -emit-llvm -mllvm -bulkhead-compartment=lib -o - %s | FileCheck %s --check-prefix=ONCE
inline int &counter() {
  static int c = 5;
  return c;
}
template <class T> struct Box { static T value; };
template <class T> T Box<T>::value = T(3);
inline int inline_var = 7;
int next();
inline int &dynamic() { // a static with a guard variable in its comdat
  static int d = next();
  return d;
}
struct Base {
  virtual int f();
};
int Base::f() { return counter() + Box<int>::value + inline_var; }
int *addresses[] = {&counter(), &Box<int>::value, &inline_var, &dynamic()};

// CHECK-DAG: $_ZZ7countervE1c.bulkhead.lib = comdat any
// CHECK-DAG: @_ZZ7countervE1c.bulkhead.lib = linkonce_odr {{.*}}global i32 5, section "bulkhead_data_lib", comdat
// CHECK-DAG: @_ZN3BoxIiE5valueE.bulkhead.lib = linkonce_odr {{.*}}global i32 3, section "bulkhead_data_lib", comdat
// CHECK-DAG: @inline_var.bulkhead.lib = linkonce_odr {{.*}}global i32 7, section "bulkhead_data_lib", comdat
// CHECK-DAG: $_ZZ7dynamicvE1d.bulkhead.lib = comdat any
// CHECK-DAG: @_ZZ7dynamicvE1d.bulkhead.lib = linkonce_odr {{.*}}global i32 0, section "bulkhead_data_lib", comdat
// CHECK-DAG: @_ZGVZ7dynamicvE1d.bulkhead.lib = linkonce_odr {{.*}}global i64 0, section "bulkhead_data_lib", comdat
// CHECK-DAG: @_ZTV4Base = {{.*}}constant
// ONCE-NOT: @_ZTV4Base = {{.*}}bulkhead_data
// ONCE-NOT: @_ZZ7countervE1c =
// ONCE-NOT: .bulkhead.lib.bulkhead.lib
