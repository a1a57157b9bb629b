// Compartment code must not find errno (or h_errno, or the ctype tables)
// through libc's accessors, which add an offset to the thread pointer at
// %fs:0, key-0 memory the default domain can rewrite
// (runtime/attacks-review-pc-errno-compartment.c). In compartment code (an
// entry's body, the compartment's copy of a helper, a whole library) a
// result that is only loaded or stored becomes an %fs-relative access
// (address space 257) at the offset from the runtime's read-only table;
// an escaping `&errno` calls the runtime's accessor. Default-domain code,
// and the default domain's copy of the helper, keep libc's. At -O0 and
// -O2, both stack modes, with the IR verifier after the pass; the asm
// shows the store through %fs and no call.
// RUN: %clang_bh_stacks -O0 -S -emit-llvm -Xclang -disable-O0-optnone -o - %s | %opt -passes=verify -S -o - | FileCheck %s --check-prefixes=CHECK,O0
// RUN: %clang_bh_stacks -O2 -S -emit-llvm -o - %s | %opt -passes=verify -S -o - | FileCheck %s
// RUN: %clang_bh -O0 -S -emit-llvm -Xclang -disable-O0-optnone -o - %s | %opt -passes=verify -S -o - | FileCheck %s --check-prefixes=CHECK,O0
// RUN: %clang_bh -O2 -S -emit-llvm -o - %s | %opt -passes=verify -S -o - | FileCheck %s
// RUN: %clang_bh_stacks -O2 -S -o - %s | FileCheck %s --check-prefix=ASM
// RUN: %clang_bh_stacks -mllvm -bulkhead-compartment=lib -DNO_VAULT -O2 -S -emit-llvm -o - %s | %opt -passes=verify -S -o - | FileCheck %s --check-prefix=LIB
#include <bulkhead.h>
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>

void take(int *e);

static inline int clear_errno(void) {
  errno = 0;
  return 0;
}

#ifndef NO_VAULT
BULKHEAD_ENTRY(vault) long vault_parse(const char *s) {
  clear_errno();
  long v = strtol(s, NULL, 10);
  if (errno == ERANGE)
    return -1;
  return isdigit(*s) ? v : 0;
}

BULKHEAD_ENTRY(vault) void vault_escape(void) { take(&errno); }
#endif

long plain_parse(const char *s) {
  clear_errno();
  long v = strtol(s, NULL, 10);
  take(&errno);
  return errno ? -1 : v;
}

// CHECK-LABEL: define {{.*}} @__bulkhead_body.vault_parse(
// CHECK-NOT:   call ptr @__errno_location
// CHECK-NOT:   call ptr @__ctype_b_loc
// CHECK:       load i64, ptr @__bulkhead_tls_offsets, align 8, !invariant.load
// CHECK-NOT:   call ptr @__errno_location
// CHECK:       load i32, ptr addrspace(257)
// CHECK-NOT:   call ptr @__errno_location
// CHECK-NOT:   call ptr @__ctype_b_loc
// CHECK:       load i64, ptr getelementptr {{.*}}@__bulkhead_tls_offsets, i{{32 0, i32 2|64 16}}), align 8, !invariant.load
// CHECK-NOT:   call ptr @__ctype_b_loc
// CHECK:       load ptr, ptr addrspace(257)
// CHECK-NOT:   call ptr @__errno_location
// CHECK-NOT:   call ptr @__ctype_b_loc
// O0-LABEL:    define internal i32 @clear_errno()
// O0:          call ptr @__errno_location()
// CHECK-LABEL: define {{.*}} @__bulkhead_body.vault_escape(
// CHECK-NOT:   call ptr @__errno_location
// CHECK:       call ptr @__bulkhead_errno_location()
// CHECK-NOT:   call ptr @__errno_location
// CHECK-LABEL: define {{.*}} @plain_parse(
// O0:          call i32 @clear_errno()
// CHECK:       call ptr @__errno_location()
// CHECK-NOT:   addrspace(257)
// CHECK-NOT:   @__bulkhead_errno_location
// O0-LABEL:    define internal i32 @clear_errno.bulkhead.vault()
// O0-NOT:      call ptr @__errno_location
// O0:          store i32 0, ptr addrspace(257)
// O0-NOT:      call ptr @__errno_location
// Without the runtime (a link that lost the flag), libc's own.
// CHECK-LABEL: define weak hidden ptr @__bulkhead_errno_location()
// CHECK-NEXT:  call ptr @__errno_location()

// ASM-LABEL: __bulkhead_body.vault_parse:
// ASM-NOT:   __errno_location
// ASM:       movl $0, %fs:(%r{{[a-z0-9]+}})
// ASM-NOT:   __errno_location
// ASM:       .Lfunc_end
// ASM-LABEL: plain_parse:
// ASM:       callq __errno_location@PLT
// ASM:       .Lfunc_end

// Under -fpkey-compartment=lib the unannotated function is the library's.
// LIB-LABEL: define {{.*}} @__bulkhead_body.plain_parse(
// LIB-NOT:   call ptr @__errno_location
// LIB:       store i32 0, ptr addrspace(257)
// LIB-NOT:   call ptr @__errno_location
// LIB:       call ptr @__bulkhead_errno_location()
// LIB-NOT:   call ptr @__errno_location
// LIB:       ret i64
