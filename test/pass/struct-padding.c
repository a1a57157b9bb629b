// A compartment's struct result, and a struct argument of its calls out,
// passed as integers loaded from the struct's variable, get their padding
// bytes cleared (an `and` with the data bytes' mask) before any
// optimization: a tag {char; int} keeps bytes 0 and 4-7 of its i64; the
// first eight bytes of {char; int; long} the same. A union's bytes are all
// data (one member's padding is another's data), and the default domain's
// code is left as it is (runtime/attacks-struct-padding.c).
// RUN: %clang_bh -O2 -S -emit-llvm -o - %s | %opt -passes=verify -S -o - | FileCheck %s
// RUN: %clang_bh -O0 -S -emit-llvm -o - %s | %opt -passes=verify -S -o - | FileCheck %s --check-prefix=O0
#include <bulkhead.h>

struct tag {
  char check;
  int count;
};
struct big_tag {
  struct tag t;
  long serial;
};
union word {
  struct tag t;
  long l;
};
BULKHEAD_DATA(vault) struct tag vault_t;
BULKHEAD_DATA(vault) union word vault_w;
void take(struct tag);
void take_word(union word);

// O0-LABEL: define {{.*}}i64 @__bulkhead_body.vault_tag
// O0: [[R:%[0-9]+]] = load i64, ptr %
// O0-NEXT: [[M:%[0-9]+]] = and i64 [[R]], -4294967041
// O0-NEXT: ret i64 [[M]]
BULKHEAD_ENTRY(vault) struct tag vault_tag(void) { return vault_t; }

// O0-LABEL: define {{.*}}{ i64, i64 } @__bulkhead_body.vault_big
// O0: [[B:%[0-9]+]] = load { i64, i64 }, ptr %
// O0-NEXT: [[E:%[0-9]+]] = extractvalue { i64, i64 } [[B]], 0
// O0-NEXT: [[EM:%[0-9]+]] = and i64 [[E]], -4294967041
// O0-NEXT: [[BM:%[0-9]+]] = insertvalue { i64, i64 } [[B]], i64 [[EM]], 0
// O0-NEXT: ret { i64, i64 } [[BM]]
BULKHEAD_ENTRY(vault) struct big_tag vault_big(void) {
  struct big_tag b = {vault_t, 1};
  return b;
}

// An argument from a global of the type, and a union left whole.
// CHECK-LABEL: define {{.*}}@__bulkhead_body.vault_give
// CHECK: and i64 %{{[0-9]+}}, -4294967041
// CHECK: call void @{{.*}}take{{.*}}(i64
// CHECK-NOT: and i64
// CHECK: call void @{{.*}}take_word{{.*}}(i64
// O0-LABEL: define {{.*}}@__bulkhead_body.vault_give
// O0: [[G:%[0-9]+]] = load i64, ptr @vault_t
// O0: [[GM:%[0-9]+]] = and i64 [[G]], -4294967041
// O0: call void @__bulkhead_tramp.take.vault.0(i64 [[GM]])
// O0: [[U:%[0-9]+]] = load i64, ptr @vault_w
// O0-NOT: and i64 [[U]]
// O0: call void @{{.*}}take_word{{.*}}(i64 {{.*}}[[U]])
BULKHEAD_ENTRY(vault) void vault_give(void) {
  take(vault_t);
  take_word(vault_w);
}

// O0-LABEL: define {{.*}}i64 @plain_tag
// O0-NOT: and i64
// O0: ret i64
struct tag plain_tag(struct tag *p) { return *p; }

// A struct of 12 bytes travels as { i64, i32 } and one of 6 as i48, loaded
// from a temporary of that type clang copies the struct into: the padding
// is the copied struct's (attacks-rev84a-coerced-temp-padding.c).
struct rec12 {
  char check;
  int count;
  int serial;
};
struct rec6 {
  char check;
  short count;
  char flag;
};
BULKHEAD_DATA(vault) struct rec12 vault_r12;
BULKHEAD_DATA(vault) struct rec6 vault_r6;
void take12(struct rec12);
// O0-LABEL: define {{.*}}{ i64, i32 } @__bulkhead_body.vault_rec12
// O0: [[T:%[0-9]+]] = load { i64, i32 }, ptr %
// O0-NEXT: [[T0:%[0-9]+]] = extractvalue { i64, i32 } [[T]], 0
// O0-NEXT: [[T0M:%[0-9]+]] = and i64 [[T0]], -4294967041
// O0-NEXT: [[TM:%[0-9]+]] = insertvalue { i64, i32 } [[T]], i64 [[T0M]], 0
// O0-NEXT: ret { i64, i32 } [[TM]]
BULKHEAD_ENTRY(vault) struct rec12 vault_rec12(void) { return vault_r12; }
// O0-LABEL: define {{.*}}i48 @__bulkhead_body.vault_rec6
// O0: [[S:%[0-9]+]] = load i48, ptr %
// O0-NEXT: [[SM:%[0-9]+]] = and i48 [[S]], 1099511562495
// O0-NEXT: ret i48 [[SM]]
BULKHEAD_ENTRY(vault) struct rec6 vault_rec6(void) { return vault_r6; }
// CHECK-LABEL: define {{.*}}@__bulkhead_body.vault_give12
// CHECK: and i64 %{{.*}}, -4294967041
// CHECK: call void @{{.*}}take12{{.*}}(i64
// O0-LABEL: define {{.*}}@__bulkhead_body.vault_give12
// O0: [[A:%[0-9]+]] = load i64, ptr %
// O0: [[AM:%[0-9]+]] = and i64 [[A]], -4294967041
// O0: call void @{{.*}}take12{{.*}}(i64 [[AM]]
BULKHEAD_ENTRY(vault) void vault_give12(void) { take12(vault_r12); }

// A {_Float16; float} passed as <4 x half> is masked as the i64 of its
// bytes (bytes 2-3: review 84b, runtime/attacks-rev84b-padding-shapes.c).
struct hf {
  _Float16 h;
  float f;
};
BULKHEAD_DATA(vault) struct hf vault_hfv;
void take_hf(struct hf);
// O0-LABEL: define {{.*}}<4 x half> @__bulkhead_body.vault_hf
// O0: [[H:%[0-9]+]] = load <4 x half>
// O0-NEXT: [[HI:%[0-9]+]] = bitcast <4 x half> [[H]] to i64
// O0-NEXT: [[HM:%[0-9]+]] = and i64 [[HI]], -4294901761
// O0-NEXT: bitcast i64 [[HM]] to <4 x half>
BULKHEAD_ENTRY(vault) struct hf vault_hf(void) { return vault_hfv; }
// CHECK-LABEL: define {{.*}}@__bulkhead_body.vault_give_hf
// CHECK: and i64 %{{.*}}, -4294901761
// CHECK: call void @{{.*}}take_hf{{.*}}(<4 x half>
BULKHEAD_ENTRY(vault) void vault_give_hf(void) { take_hf(vault_hfv); }
