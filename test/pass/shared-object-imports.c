// A compartment's call of a declaration tests the callee's default-domain
// marker, and the callee's import, a byte the program's runtime sets at
// registration (docs/shared-objects.md): in every module, position-
// independent or not, since neither a shared object nor the program can
// see the other's (hidden) markers. The imports are the module's own, and
// its part of their section ends with a page (a subsection, after them),
// so that they are whole pages in any link. Every module lists its
// default-domain functions by name. The compartment's mi_malloc is the
// runtime's checked one.
// RUN: %clang_bh -fPIC -O2 -S -emit-llvm -o - %s | FileCheck %s
// RUN: %clang_bh -fPIE -O2 -S -emit-llvm -o - %s | FileCheck %s
// RUN: %clang_bh -fno-pic -O2 -S -emit-llvm -o - %s | FileCheck %s
// RUN: %clang_bh -fPIC -O2 -S -o - %s | FileCheck %s --check-prefix=ASM
// RUN: %clang_bh -fno-pic -O2 -S -o - %s | FileCheck %s --check-prefix=ASM
#include <bulkhead.h>
#include <stddef.h>

void app_log(long x);
void *mi_malloc(size_t n);
void note(long x) { app_log(x); }

BULKHEAD_ENTRY(vault) void *vault_work(long x) {
  app_log(x);
  return mi_malloc(16);
}

// CHECK: module asm ".pushsection bulkhead_imports,\22aw\22,@progbits"
// CHECK-NEXT: module asm ".subsection 1"
// CHECK-NEXT: module asm ".p2align 12"
// CHECK-NEXT: module asm ".zero 4096"
// CHECK-NEXT: module asm ".popsection"
// CHECK-DAG: @__bulkhead_default.note = hidden constant i8 0
// CHECK-DAG: c"note\00", section "bulkhead_defaults"
// CHECK-DAG: @__bulkhead_default.app_log = extern_weak hidden
// CHECK-DAG: @__bulkhead_import.app_log = internal global { ptr, i64 } { ptr @{{.*}}, i64 0 }, section "bulkhead_imports", align 8
// CHECK-NOT: __bulkhead_import.mi_malloc
// CHECK-NOT: c"vault_work\00", section "bulkhead_defaults"
// CHECK-LABEL: define {{.*}} @__bulkhead_body.vault_work(
// CHECK: load volatile i8, ptr getelementptr inbounds {{(nuw )?}}(i8, ptr @__bulkhead_import.app_log, i64 8)
// CHECK-NOT: @mi_malloc(
// CHECK: call {{.*}} @bulkhead_shared_malloc(i64 {{.*}}16)

// ASM: # bulkhead: the imports' last page
// ASM-NEXT: .section bulkhead_imports,"aw",@progbits
// ASM: .subsection 1
// ASM-NEXT: .p2align 12
// ASM-NEXT: .zero 4096
// ASM-LABEL: __bulkhead_body.vault_work:
// ASM: __bulkhead_import.app_log+8{{(\(%rip\))?}}
// ASM: {{callq|jmp}} bulkhead_shared_malloc
// ASM: .section bulkhead_imports,"aw",@progbits
// ASM-NEXT: .p2align 3
// ASM-NEXT: __bulkhead_import.app_log:
