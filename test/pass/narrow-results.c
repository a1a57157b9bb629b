// Review 81b: a result of 8 or 16 bits leaves a compartment zero-extended
// to 32 (the bits of eax above it are undefined on x86-64: callers extend
// it, LLVM's callee leaves them as they were): the trampolines by movzbl or
// movzwl, the shared-stack thunks by inline asm after their gate back; an
// int keeps its 32-bit move. -bulkhead-scrub=none keeps rax whole.
// RUN: %clang_bh -O2 -S -o - %s | FileCheck %s
// RUN: %clang_bh_shared -O2 -S -emit-llvm -o - %s | FileCheck %s --check-prefix=SHARED
// RUN: %clang_bh -O2 -mllvm -bulkhead-scrub=none -S -o - %s | FileCheck %s --check-prefix=NONE
#include <bulkhead.h>

long word(void);
BULKHEAD_ENTRY(vault) signed char vault_byte(void) { return (signed char)word(); }
BULKHEAD_ENTRY(vault) short vault_half(void) { return (short)word(); }
BULKHEAD_ENTRY(vault) _Bool vault_set(void) { return word() != 0; }
BULKHEAD_ENTRY(vault) int vault_int(void) { return (int)word(); }

// The trampolines' order in the output varies: one each.
// CHECK-DAG: movzbl %r10b, %eax
// CHECK-DAG: movzbl %r10b, %eax
// CHECK-DAG: movzwl %r10w, %eax
// CHECK-DAG: movl %r10d, %eax

// SHARED-DAG: call i32 asm "movzbl $1, $0", "=r,r"(i8
// SHARED-DAG: call i32 asm "movzbl $1, $0", "=r,r"(i8
// SHARED-DAG: call i32 asm "movzwl $1, $0", "=r,r"(i16
// SHARED-NOT: asm "movz{{.*}}(i32

// NONE-NOT: movzbl %r10b
// NONE-NOT: movzwl %r10w
