// A call out of a compartment cuts each integer argument narrower than 64
// bits (a zext behind an empty asm, then the trunc the call takes), direct
// or through a pointer, in both stack modes: x86-64 leaves the bits above
// it undefined, and a compartment's `(int)x` of a 64-bit x reached the
// callee with x's upper half (runtime/attacks-int-arg-upper.c). A constant
// argument and a 64-bit one are passed as they are; so is every argument
// of a call that stays in the compartment, and of the default domain's
// calls. -bulkhead-scrub=none cuts nothing.
// RUN: %clang_bh -O2 -S -emit-llvm -o - %s | %opt -passes=verify -S -o - | FileCheck %s
// RUN: %clang_bh_shared -O2 -S -emit-llvm -o - %s | %opt -passes=verify -S -o - | FileCheck %s
// RUN: %clang_bh -O2 -mllvm -bulkhead-scrub=none -S -emit-llvm -o - %s | FileCheck %s --check-prefix=NONE
#include <bulkhead.h>

void note(int, short, long, int);
BULKHEAD_INTERNAL(vault) void vault_own(int);
void (*volatile by_pointer)(int);

// CHECK-LABEL: define {{.*}}@__bulkhead_body.vault_log
// CHECK: call void @vault_own(i32 noundef %
// CHECK: [[A:%[0-9]+]] = {{.*}}call i64 asm "", "=r,0"
// CHECK-NEXT: [[A32:%[0-9]+]] = trunc i64 [[A]] to i32
// CHECK: [[B:%[0-9]+]] = {{.*}}call i64 asm "", "=r,0"
// CHECK-NEXT: [[B16:%[0-9]+]] = trunc i64 [[B]] to i16
// CHECK: call void @{{.*}}note{{.*}}(i32 noundef [[A32]], i16 noundef signext [[B16]], i64 noundef %0, i32 noundef 7)
// CHECK: [[P:%[0-9]+]] = {{.*}}call i64 asm "", "=r,0"
// CHECK-NEXT: [[P32:%[0-9]+]] = trunc i64 [[P]] to i32
// CHECK: call void %{{[0-9]+}}(i32 noundef [[P32]])
// NONE-NOT: asm "", "=r,0"
BULKHEAD_ENTRY(vault) void vault_log(long x) {
  vault_own((int)(x >> 8));
  note((int)(x >> 8), (short)(x >> 16), x, 7);
  by_pointer((int)(x >> 24));
}

// CHECK-LABEL: define {{.*}}plain_log
// CHECK-NOT: asm "", "=r,0"
// CHECK: ret void
void plain_log(long x) { note((int)(x >> 8), (short)(x >> 16), x, 7); }

// A vector of 8 bytes (a struct of two floats, <2 x float>) is cut as a
// double (movq keeps the low 8 bytes of its xmm register); a 16-byte
// vector fills its register and is passed as it is; clang passes a 4-byte
// one as an i32 (runtime/attacks-vector-arg-upper.c).
struct point {
  float x, y;
};
typedef float v4f __attribute__((vector_size(16)));
typedef short v2s __attribute__((vector_size(4)));
void show(struct point, v2s, v4f);
// CHECK-LABEL: define {{.*}}@__bulkhead_body.vault_show
// CHECK: [[DC:%[0-9]+]] = {{.*}}call double asm "movq $0, $0", "=x,0"(double %
// CHECK-NEXT: [[V:%[0-9]+]] = bitcast double [[DC]] to <2 x float>
// CHECK: [[S:%[0-9]+]] = {{.*}}call i64 asm "", "=r,0"
// CHECK-NEXT: [[S32:%[0-9]+]] = trunc i64 [[S]] to i32
// CHECK: call void @{{.*}}show{{.*}}(<2 x float> [[V]], i32 noundef [[S32]], <4 x float> noundef %
// NONE-NOT: asm "movq $0, $0"
BULKHEAD_ENTRY(vault) void vault_show(const v4f *p, v2s s) {
  v4f v = *p * 2;
  show((struct point){v[0], v[1]}, s * 3, v);
}

// A vector of three floats (<3 x float>, 12 bytes of its register) is
// widened to <4 x float>, its last 4 bytes shifted out, and narrowed back
// (runtime/attacks-rev83a-vec3-arg-upper.c).
typedef float f3 __attribute__((ext_vector_type(3)));
void show3(f3);
// CHECK-LABEL: define {{.*}}@__bulkhead_body.vault_show3
// CHECK: [[W:%[0-9]+]] = shufflevector <3 x float> %{{.*}}, <3 x float> poison, <4 x i32> <i32 0, i32 1, i32 2, i32 poison>
// CHECK-NEXT: [[C:%[0-9]+]] = {{.*}}call <4 x float> asm "pslldq $$4, $0\0A\09psrldq $$4, $0", "=x,0"(<4 x float> [[W]])
// CHECK-NEXT: [[N:%[0-9]+]] = shufflevector <4 x float> [[C]], <4 x float> poison, <3 x i32> <i32 0, i32 1, i32 2>
// CHECK: call void @{{.*}}show3{{.*}}(<3 x float> noundef [[N]])
// NONE-NOT: asm "pslldq $$4
BULKHEAD_ENTRY(vault) void vault_show3(const f3 *p) { show3(*p * 2); }
