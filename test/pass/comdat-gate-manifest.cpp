// A gate in a comdat function (C++'s inline functions and templates) lists
// its WRPKRU in a .bulkhead.gates section of that function's own group, so
// that the linker, keeping one copy of the comdat, drops the other copy's
// entry with its code. Found building JsonCpp as a compartment
// (test/realworld/jsoncpp-compartment.test): the manifest was one section
// outside every group, and ld refused its reference into the discarded
// copy: `.text.__bulkhead_body._ZNSt7__cxx1112basic_stringIcSt11char_
// traitsIcESaIcEEC2IPKcvEET_S8_RKS3_' referenced in section
// `.bulkhead.gates' of json_value.cpp.o: defined in discarded section.
// Here `guarded` has a gate after its call through a pointer, in both
// units of 'lib' (its landing pad's was the gate until a compartment's
// pads, with compartment stacks, got a check instead:
// landing-pad-rights-check.cpp).
// RUN: rm -rf %t && mkdir -p %t
// RUN: %bulkhead_clangxx -fpkey-compartments -fpkey-compartment=lib -O2 -fPIC -DUNIT=1 -c %s -o %t/a.o
// RUN: %bulkhead_clangxx -fpkey-compartments -fpkey-compartment=lib -O2 -fPIC -DUNIT=2 -c %s -o %t/b.o
// RUN: llvm-readelf -g %t/a.o | FileCheck --check-prefix=GROUP %s
// GROUP: COMDAT group section [{{ *[0-9]+}}] `.group' [_Z7guardedi] contains
// GROUP: .text.__bulkhead_body._Z7guardedi
// GROUP: .bulkhead.gates

// Linked into a shared object and into a program, both copies of the
// comdat in: the links work and every gate is vetted.
// RUN: %bulkhead_clangxx -fpkey-compartments -fpkey-compartment=lib -shared %t/a.o %t/b.o -o %t/liblib.so
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 -DUNIT=3 %s %t/a.o %t/b.o -o %t/prog
// RUN: %bulkhead_scan %t/liblib.so %t/prog 2>&1 | FileCheck --check-prefix=SCAN %s
// SCAN: 2 objects scanned, 0 unvetted, {{[1-9][0-9]*}} vetted, {{.*}} 0 errors
// The exception thrown in 'lib' is caught there, from either copy's caller.
// RUN: %if pku %{ %run %t/prog | FileCheck --check-prefix=OUT %s %}
// OUT: 6 9
#include <cstdio>

int may_throw(int x);
extern int (*volatile thrower)(int);
__attribute__((noinline)) inline int guarded(int x) {
  try {
    return thrower(x);
  } catch (int e) {
    return -e;
  }
}
#if UNIT == 1
int (*volatile thrower)(int) = may_throw;
int may_throw(int x) {
  if (x < 0)
    throw x;
  return x;
}
int fa(int x) { return guarded(x) + 1; }
#elif UNIT == 2
int fb(int x) { return guarded(x) + 2; }
#else
int fa(int x);
int fb(int x);
int main() { std::printf("%d %d\n", fa(-5), fb(7)); }
#endif
