// Leaving a compartment, gates and trampolines call the module's scrub
// routine for the number of vector registers that carry a result or an
// argument: one linkonce_odr, hidden, naked function per count, which
// clears zmm16-31 and k0-7 where the CPU has AVX-512, the upper halves of
// ymm/zmm0-15 where it has AVX, and xmm0-15 but the kept ones
// (BH_SCRUB_VECTORS, include/bulkhead/abi.h). A double result keeps one;
// an int result none. -bulkhead-scrub=gpr defines none.
// RUN: %clang_bh -O2 -S -emit-llvm -o - %s | %opt -passes=verify -S -o - | FileCheck %s
// RUN: %clang_bh_shared -O2 -S -emit-llvm -o - %s | %opt -passes=verify -S -o - | FileCheck %s --check-prefix=SHARED
// RUN: %clang_bh -O2 -mllvm -bulkhead-scrub=gpr -S -emit-llvm -o - %s | FileCheck %s --check-prefix=GPR
// RUN: %clang_bh -O2 -S -o - %s | FileCheck %s --check-prefix=ASM0
// RUN: %clang_bh -O2 -S -o - %s | FileCheck %s --check-prefix=ASM1
#include <bulkhead.h>

double half(double);
int count(int);
BULKHEAD_ENTRY(vault) double vault_half(double x) { return half(x) + 1; }
BULKHEAD_ENTRY(vault) int vault_count(int x) { return count(x) + 1; }

// CHECK-DAG: callq __bulkhead_scrub_vectors.1
// CHECK-DAG: callq __bulkhead_scrub_vectors.0
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
// ASM0-NEXT: retq

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
// ASM1-NEXT: retq
