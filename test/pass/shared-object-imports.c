// A compartment's call of a declaration tests the callee's default-domain
// marker; in a position-independent module, which may end in a shared
// object (-fPIC; -fPIE links into one without compartment stacks), where
// the program's markers are out of the link's reach, it also tests the
// callee's import, a byte the program's runtime sets at registration
// (docs/shared-objects.md). Every module lists its default-domain functions
// by name. The compartment's mi_malloc is the runtime's checked one.
// RUN: %clang_bh -fPIC -O2 -S -emit-llvm -o - %s | FileCheck %s --check-prefixes=CHECK,PIC
// RUN: %clang_bh -fPIE -O2 -S -emit-llvm -o - %s | FileCheck %s --check-prefixes=CHECK,PIC
// RUN: %clang_bh -fno-pic -O2 -S -emit-llvm -o - %s | FileCheck %s --check-prefixes=CHECK,NOPIC
// RUN: %clang_bh -fPIC -O2 -S -o - %s | FileCheck %s --check-prefix=ASM
#include <bulkhead.h>
#include <stddef.h>

void app_log(long x);
void *mi_malloc(size_t n);
void note(long x) { app_log(x); }

BULKHEAD_ENTRY(vault) void *vault_work(long x) {
  app_log(x);
  return mi_malloc(16);
}

// CHECK-DAG: @__bulkhead_default.note = hidden constant i8 0
// CHECK-DAG: c"note\00", section "bulkhead_defaults"
// CHECK-DAG: @__bulkhead_default.app_log = extern_weak hidden
// PIC-DAG: @__bulkhead_import.app_log = linkonce_odr hidden global { ptr, i64 } { ptr @{{.*}}, i64 0 }, section "bulkhead_imports", comdat, align 8
// NOPIC-NOT: __bulkhead_import
// PIC-NOT: __bulkhead_import.mi_malloc
// CHECK-NOT: c"vault_work\00", section "bulkhead_defaults"
// CHECK-LABEL: define {{.*}} @__bulkhead_body.vault_work(
// PIC: load volatile i8, ptr getelementptr inbounds {{(nuw )?}}(i8, ptr @__bulkhead_import.app_log, i64 8)
// CHECK-NOT: @mi_malloc(
// CHECK: call {{.*}} @bulkhead_shared_malloc(i64 {{.*}}16)

// ASM-LABEL: __bulkhead_body.vault_work:
// ASM: __bulkhead_import.app_log+8(%rip)
// ASM: {{callq|jmp}} bulkhead_shared_malloc
// ASM: .section bulkhead_imports,"awG",@progbits,__bulkhead_import.app_log,comdat
