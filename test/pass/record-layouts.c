// Padding that only the front end's record layout shows: bulkhead-clang
// asks clang for debug information, and the pass reads each struct's
// fields from it (pass/RecordLayouts.cpp) and drops it again. A member
// aligned past its natural alignment makes clang's IR type spell the gap
// as [7 x i8], which a real char array member looks the same as; a
// bit-field's storage has bits no field uses; a struct returned through
// memory has such bits too (runtime/attacks-rev84a-explicit-padding.c,
// attacks-rev84b-bitfield-bits.c). With -g the debug information stays.
// RUN: %bulkhead_clang -fpkey-compartments -O0 -S -emit-llvm -o - %s | %opt -passes=verify -S -o - | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -O0 -g -g0 -S -emit-llvm -o - %s | %opt -passes=verify -S -o - | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -O0 -g -S -emit-llvm -o - %s | %opt -passes=verify -S -o - | FileCheck %s --check-prefix=KEPT
// RUN: %bulkhead_clang -fpkey-compartments -O2 -S -emit-llvm -o - %s | %opt -passes=verify -S -o - | FileCheck %s --check-prefix=O2
#include <bulkhead.h>
#include <string.h>

struct rec { /* IR {i8, [7 x i8], i32, [4 x i8]}: bytes 1-7 are padding */
  char check;
  _Alignas(8) int count;
};
struct named { /* IR {i8, [7 x i8], i32}: bytes 1-7 are a member's */
  char check;
  char name[7];
  int count;
};
struct flags { /* IR {i32, i32}: bits 24-31 belong to no field */
  unsigned a : 4;
  unsigned b : 20;
  int c;
};
struct big_flags { /* returned through memory: bits 3-7 of byte 0 */
  unsigned a : 3;
  long x, y;
};
BULKHEAD_DATA(vault) long vault_w[3];

// CHECK-LABEL: define {{.*}}{ i64, i32 } @__bulkhead_body.vault_rec()
// CHECK: [[V:%[0-9]+]] = load { i64, i32 }, ptr %
// CHECK-NEXT: [[E:%[0-9]+]] = extractvalue { i64, i32 } [[V]], 0
// CHECK-NEXT: [[M:%[0-9]+]] = and i64 [[E]], 255
// CHECK-NEXT: [[R:%[0-9]+]] = insertvalue { i64, i32 } [[V]], i64 [[M]], 0
// CHECK-NEXT: ret { i64, i32 } [[R]]
BULKHEAD_ENTRY(vault) struct rec vault_rec(void) {
  struct rec r;
  memcpy(&r, vault_w, 8);
  r.count = 1;
  return r;
}

// CHECK-LABEL: define {{.*}}{ i64, i32 } @__bulkhead_body.vault_named()
// CHECK: [[V:%[0-9]+]] = load { i64, i32 }, ptr %
// CHECK-NEXT: ret { i64, i32 } [[V]]
BULKHEAD_ENTRY(vault) struct named vault_named(void) {
  struct named n;
  memcpy(&n, vault_w, 8);
  n.count = 1;
  return n;
}

// CHECK-LABEL: define {{.*}}i64 @__bulkhead_body.vault_flags()
// CHECK: [[V:%[0-9]+]] = load i64, ptr %
// CHECK-NEXT: [[M:%[0-9]+]] = and i64 [[V]], -4278190081
// CHECK-NEXT: ret i64 [[M]]
BULKHEAD_ENTRY(vault) struct flags vault_flags(void) {
  struct flags f;
  memcpy(&f, vault_w, 8);
  f.a = 1;
  return f;
}

// CHECK-LABEL: define {{.*}}void @__bulkhead_body.vault_big(ptr {{.*}}sret(%struct.big_flags) {{.*}}%0)
// CHECK: [[P:%[0-9]+]] = getelementptr inbounds i8, ptr %0, i64 0
// CHECK-NEXT: [[B:%[0-9]+]] = load i8, ptr [[P]]
// CHECK-NEXT: [[K:%[0-9]+]] = and i8 [[B]], 7
// CHECK-NEXT: store i8 [[K]], ptr [[P]]
// CHECK-NEXT: [[Q:%[0-9]+]] = getelementptr inbounds i8, ptr %0, i64 1
// CHECK-NEXT: call void @llvm.memset.p0.i64(ptr align 1 [[Q]], i8 0, i64 7, i1 false)
// CHECK-NEXT: ret void
BULKHEAD_ENTRY(vault) struct big_flags vault_big(void) {
  struct big_flags f;
  memcpy(&f, vault_w, sizeof f);
  f.a = 1;
  return f;
}

// A struct from behind a pointer travels as an integer loaded from the
// pointer itself: its layout is the record the pointer variable's debug
// type points to (at -O2 the variable is known by its dbg.assign).
// CHECK-LABEL: define {{.*}}void @__bulkhead_body.vault_send(ptr
// CHECK: [[V:%[0-9]+]] = load i64, ptr %
// CHECK: [[M:%[0-9]+]] = and i64 [[V]], -4294967041
// CHECK: call void @__bulkhead_tramp.sink_tag.vault.0(i64 [[M]])
// O2-LABEL: define {{.*}}void @__bulkhead_body.vault_send(ptr
// O2: and i64 %{{[0-9]+}}, -4294967041
struct tag { char check; int n; }; /* bytes 1-3 padding */
void sink_tag(struct tag t);
BULKHEAD_ENTRY(vault) void vault_send(struct tag *p) { sink_tag(*p); }

// CHECK-NOT: !dbg
// CHECK-NOT: !llvm.dbg.cu
// KEPT: and i64 {{.*}}, 255
// KEPT: !llvm.dbg.cu
