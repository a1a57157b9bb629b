// `frame FUNCTION` in a sharing policy: the function's address-taken locals
// move into one block from __bulkhead_frame_alloc (the shared heap), laid
// out by alignment, freed before every return; locals whose address stays
// inside (argument spills) remain allocas, and lifetime markers of the moved
// ones go (they take allocas only). The IR verifies, at -O0 and -O2.
// RUN: echo "frame lib_row share-frame.c" > %t.policy
// RUN: %clang_bh -O0 -mllvm -bulkhead-share=%t.policy -S -emit-llvm %s -o %t.O0.ll
// RUN: %opt -passes=verify -disable-output %t.O0.ll
// RUN: FileCheck %s < %t.O0.ll
// RUN: %clang_bh -O2 -mllvm -bulkhead-share=%t.policy -S -emit-llvm %s -o %t.O2.ll
// RUN: %opt -passes=verify -disable-output %t.O2.ll
// RUN: FileCheck %s --check-prefix=O2 < %t.O2.ll
// RUN: %clang_bh_shared -O0 -mllvm -bulkhead-share=%t.policy -S -emit-llvm %s -o %t.shared.ll
// RUN: %opt -passes=verify -disable-output %t.shared.ll
// RUN: FileCheck %s < %t.shared.ll
#include <bulkhead.h>

struct row_info {
  unsigned width;
  double gamma;
};
typedef void (*row_fn)(struct row_info *, char *);

BULKHEAD_ENTRY(lib) int lib_row(row_fn cb, int n);
int lib_row(row_fn cb, int n) {
  struct row_info info = {(unsigned)n, 2.2};
  char tag[3] = "ok";
  int kept = n * 2;
  if (n < 0)
    return -1;
  cb(&info, tag);
  return kept + (int)info.width;
}

// CHECK-LABEL: define {{.*}} @__bulkhead_body.lib_row(
// The four locals whose address stays here: retval, cb, n, kept.
// CHECK-COUNT-4: alloca {{i32|ptr}}
// CHECK-NOT:   alloca
// CHECK:       [[BLOCK:%[0-9]+]] = call ptr @__bulkhead_frame_alloc(i64 19)
// CHECK-NEXT:  [[INFO:%[0-9]+]] = getelementptr inbounds i8, ptr [[BLOCK]], i64 0
// CHECK-NEXT:  [[TAG:%[0-9]+]] = getelementptr inbounds i8, ptr [[BLOCK]], i64 16
// CHECK:       getelementptr inbounds {{(nuw )?}}%struct.row_info, ptr [[INFO]], i32 0, i32 0
// CHECK:       call void @llvm.memcpy.p0.p0.i64(ptr align 1 [[TAG]],
// CHECK:       call void @__bulkhead_frame_free(ptr [[BLOCK]])
// CHECK-NEXT:  ret i32
// CHECK-NOT:   ret i32
// CHECK-LABEL: define {{.*}} @lib_row(
// CHECK-NOT:   __bulkhead_frame

// O2-LABEL: define {{.*}} @__bulkhead_body.lib_row(
// O2:       [[BLOCK:%.*]] = {{.*}}call {{.*}}ptr @__bulkhead_frame_alloc(i64 19)
// O2-NOT:   llvm.lifetime
// O2-NOT:   alloca
// O2:       call void @__bulkhead_frame_free(ptr {{.*}}[[BLOCK]])
// O2:       ret i32
