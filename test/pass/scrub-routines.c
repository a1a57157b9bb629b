// Leaving a compartment, gates and trampolines call the module's scrub
// routine for the number of vector and x87 registers that carry a result
// or an argument: one linkonce_odr, hidden, naked function per count, which
// clears zmm16-31 and k0-7 where the CPU has AVX-512, the upper halves of
// ymm/zmm0-15 where it has AVX, xmm0-15 but the kept ones, and the x87
// registers but the kept ones (BH_SCRUB_VECTORS_ST, include/bulkhead/
// abi.h): each tagged empty, filled with +0 and popped again, then an
// fxam sets the condition codes by st0 alone; no FNINIT. A
// double result keeps one vector register; an int result none; a long
// double st0 (".0.st1"), a _Complex long double st0 and st1 (".0.st2").
// -bulkhead-scrub=gpr defines none.
// RUN: %clang_bh -O2 -S -emit-llvm -o - %s | %opt -passes=verify -S -o - | FileCheck %s
// RUN: %clang_bh_shared -O2 -S -emit-llvm -o - %s | %opt -passes=verify -S -o - | FileCheck %s --check-prefix=SHARED
// RUN: %clang_bh -O2 -mllvm -bulkhead-scrub=gpr -S -emit-llvm -o - %s | FileCheck %s --check-prefix=GPR
// RUN: %clang_bh -O2 -S -o - %s | FileCheck %s --check-prefix=ASM0
// RUN: %clang_bh -O2 -S -o - %s | FileCheck %s --check-prefix=ASM1
// RUN: %clang_bh -O2 -S -o - %s | FileCheck %s --check-prefix=ST1
// RUN: %clang_bh -O2 -S -o - %s | FileCheck %s --check-prefix=ST2
#include <bulkhead.h>

double half(double);
int count(int);
long double third(long double);
BULKHEAD_ENTRY(vault) double vault_half(double x) { return half(x) + 1; }
BULKHEAD_ENTRY(vault) int vault_count(int x) { return count(x) + 1; }
BULKHEAD_ENTRY(vault) long double vault_third(long double x) {
  return third(x) + 1;
}
BULKHEAD_ENTRY(vault) long double _Complex vault_parts(long double x) {
  long double _Complex c;
  __real__ c = third(x);
  __imag__ c = x;
  return c;
}

// CHECK-DAG: callq __bulkhead_scrub_vectors.1
// CHECK-DAG: callq __bulkhead_scrub_vectors.0
// CHECK-DAG: callq __bulkhead_scrub_vectors.0.st1
// CHECK-DAG: callq __bulkhead_scrub_vectors.0.st2
// CHECK-DAG: define linkonce_odr hidden void @__bulkhead_scrub_vectors.0.st1() {{.*}}comdat
// CHECK-DAG: define linkonce_odr hidden void @__bulkhead_scrub_vectors.0() {{.*}}comdat
// CHECK-DAG: define linkonce_odr hidden void @__bulkhead_scrub_vectors.1() {{.*}}comdat
// CHECK-DAG: @llvm.compiler.used = {{.*}}@__bulkhead_scrub_vectors.0
// SHARED: define linkonce_odr hidden void @__bulkhead_scrub_vectors.0() {{.*}}comdat
// SHARED-SAME: {
// SHARED-NEXT: call void asm sideeffect "testb $$2, __bulkhead_domain0+80(%rip)
// GPR-NOT: __bulkhead_scrub_vectors

// ASM0-LABEL: __bulkhead_scrub_vectors.0:
// ASM0: testb $2, __bulkhead_domain0+80(%rip)
// ASM0: vpxord %xmm16, %xmm16, %xmm16
// ASM0: vpxord %xmm31, %xmm31, %xmm31
// ASM0: kxorw %k7, %k7, %k7
// ASM0: testb $1, __bulkhead_domain0+80(%rip)
// ASM0-NEXT: je
// ASM0-NEXT: vzeroall
// ASM0-NEXT: jmp
// ASM0: xorps %xmm0, %xmm0
// ASM0: xorps %xmm15, %xmm15
// ASM0-NEXT: .Ltmp{{[0-9]+}}:
// ASM0-NEXT: ffree %st(0)
// ASM0: ffree %st(7)
// ASM0-COUNT-8: fldz
// ASM0-NEXT: fstp %st(0)
// ASM0-COUNT-7: fstp %st(0)
// ASM0-NEXT: fxam
// ASM0-NEXT: retq
// ASM0-NOT: fninit

// ASM1-LABEL: __bulkhead_scrub_vectors.1:
// ASM1: testb $2, __bulkhead_domain0+80(%rip)
// ASM1: kxorw %k7, %k7, %k7
// ASM1: testb $1, __bulkhead_domain0+80(%rip)
// ASM1-NEXT: je
// ASM1-NEXT: vzeroupper
// ASM1-NEXT: .Ltmp{{[0-9]+}}:
// ASM1-NEXT: xorps %xmm1, %xmm1
// ASM1: xorps %xmm15, %xmm15
// ASM1-NEXT: .Ltmp{{[0-9]+}}:
// ASM1-NEXT: ffree %st(0)
// ASM1-COUNT-8: fstp %st(0)
// ASM1-NEXT: fxam
// ASM1-NEXT: retq

// A long double result: st0 is neither freed nor overwritten; 7 pushes of
// +0 into the 7 others and 7 pops leave it on top.
// ST1-LABEL: __bulkhead_scrub_vectors.0.st1:
// ST1: xorps %xmm0, %xmm0
// ST1: xorps %xmm15, %xmm15
// ST1-NEXT: .Ltmp{{[0-9]+}}:
// ST1-NEXT: ffree %st(1)
// ST1-NEXT: ffree %st(2)
// ST1: ffree %st(7)
// ST1-COUNT-7: fldz
// ST1-NEXT: fstp %st(0)
// ST1-COUNT-6: fstp %st(0)
// ST1-NEXT: fxam
// ST1-NEXT: retq

// ST2-LABEL: __bulkhead_scrub_vectors.0.st2:
// ST2: xorps %xmm15, %xmm15
// ST2-NEXT: .Ltmp{{[0-9]+}}:
// ST2-NEXT: ffree %st(2)
// ST2: ffree %st(7)
// ST2-COUNT-6: fldz
// ST2-NEXT: fstp %st(0)
// ST2-COUNT-5: fstp %st(0)
// ST2-NEXT: fxam
// ST2-NEXT: retq
