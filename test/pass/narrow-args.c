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

// A vector narrower than its xmm register is cut to its store size, as
// lanes of its elements' width: 8 bytes (a struct of two floats, <2 x
// float>) by movq, 12 (a float3) and 4 (a _Complex _Float16, <2 x half>)
// by shifts; a 16-byte vector fills its register and is passed as it is;
// clang passes a vector of 4 shorts as an i32 (runtime/attacks-vector-arg-
// upper.c, attacks-rev83b-vector-arg-lanes.c).
struct point {
  float x, y;
};
typedef float v4f __attribute__((vector_size(16)));
typedef float float3 __attribute__((ext_vector_type(3)));
typedef short v2s __attribute__((vector_size(4)));
void show(struct point, v2s, v4f, float3, _Float16 _Complex);
// CHECK-LABEL: define {{.*}}@__bulkhead_body.vault_show
// CHECK: call <4 x i32> asm "movq $0, $0", "=x,0"(<4 x i32>
// CHECK: [[S:%[0-9]+]] = {{.*}}call i64 asm "", "=r,0"
// CHECK-NEXT: [[S32:%[0-9]+]] = trunc i64 [[S]] to i32
// CHECK: call <4 x i32> asm "pslldq $$4, $0\0A\09psrldq $$4, $0", "=x,0"(<4 x i32>
// CHECK: call <8 x i16> asm "pslldq $$12, $0\0A\09psrldq $$12, $0", "=x,0"(<8 x i16>
// CHECK: call void @{{.*}}show{{.*}}(<2 x float> {{.*}}, i32 noundef [[S32]], <4 x float> noundef %{{.*}}, <3 x float> noundef %{{.*}}, <2 x half> noundef %
// NONE-NOT: asm "movq $0, $0"
// NONE-NOT: pslldq
BULKHEAD_ENTRY(vault) void vault_show(const v4f *p, v2s s, float3 f,
                                      _Float16 _Complex z) {
  v4f v = *p * 2;
  show((struct point){v[0], v[1]}, s * 3, v, f * 2, z * z);
}
