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

// A vector of 8 bytes (a struct of two floats, <2 x float>) is cut as
// integer lanes widened to 16 bytes (movq keeps the low 8 bytes of its xmm
// register); a 16-byte vector fills its register and is passed as it is;
// clang passes a 4-byte one as an i32 (runtime/attacks-vector-arg-upper.c).
struct point {
  float x, y;
};
typedef float v4f __attribute__((vector_size(16)));
typedef short v2s __attribute__((vector_size(4)));
void show(struct point, v2s, v4f);
// CHECK-LABEL: define {{.*}}@__bulkhead_body.vault_show
// CHECK: call <4 x i32> asm "movq $0, $0", "=x,0"(<4 x i32> %
// CHECK: [[S:%[0-9]+]] = {{.*}}call i64 asm "", "=r,0"
// CHECK-NEXT: [[S32:%[0-9]+]] = trunc i64 [[S]] to i32
// CHECK: call void @{{.*}}show{{.*}}(<2 x float> %{{[0-9]+}}, i32 noundef [[S32]], <4 x float> noundef %
// NONE-NOT: asm "movq $0, $0"
BULKHEAD_ENTRY(vault) void vault_show(const v4f *p, v2s s) {
  v4f v = *p * 2;
  show((struct point){v[0], v[1]}, s * 3, v);
}

// A _Float16 is cut as lane 0 of an <8 x i16>, in and out of its vector
// register without a general one (runtime/attacks-half-arg-upper.c).
void take(_Float16);
// CHECK-LABEL: define {{.*}}@__bulkhead_body.vault_half
// CHECK: [[H:%[0-9]+]] = {{.*}}call <8 x i16> asm "pslldq $$14, $0\0A\09psrldq $$14, $0", "=x,0"(<8 x i16> %
// CHECK-NEXT: [[HV:%[0-9]+]] = bitcast <8 x i16> [[H]] to <8 x half>
// CHECK-NEXT: [[HC:%[0-9]+]] = extractelement <8 x half> [[HV]], i64 0
// CHECK: call void @{{.*}}take{{.*}}(half noundef [[HC]])
// NONE-NOT: asm "pslldq $$14
BULKHEAD_ENTRY(vault) void vault_half(_Float16 x) { take(x * 3); }

// A vector of three floats (<3 x float>, 12 bytes of its register) is cut
// as integer lanes widened to 16 bytes (runtime/attacks-rev83a-vec3-arg-upper.c).
typedef float f3 __attribute__((ext_vector_type(3)));
void show3(f3);
// CHECK-LABEL: define {{.*}}@__bulkhead_body.vault_show3
// CHECK: call <4 x i32> asm "pslldq $$4, $0\0A\09psrldq $$4, $0", "=x,0"(<4 x i32> %
// CHECK: call void @{{.*}}show3{{.*}}(<3 x float> noundef %
// NONE-NOT: asm "pslldq $$4
BULKHEAD_ENTRY(vault) void vault_show3(const f3 *p) { show3(*p * 2); }

// A _Complex _Float16 (<2 x half>, 4 bytes) is cut as eight i16 lanes
// (runtime/attacks-rev83b-vector-arg-lanes.c).
void take2(_Float16 _Complex);
// CHECK-LABEL: define {{.*}}@__bulkhead_body.vault_half2
// CHECK: call <8 x i16> asm "pslldq $$12, $0\0A\09psrldq $$12, $0", "=x,0"(<8 x i16> %
// CHECK: call void @{{.*}}take2{{.*}}(<2 x half> noundef %
// NONE-NOT: asm "pslldq $$12
BULKHEAD_ENTRY(vault) void vault_half2(_Float16 _Complex z) { take2(z * z); }
