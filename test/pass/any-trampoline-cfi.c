// The any-trampoline (a wrapper's call made with the rights of a
// compartment known only at run time) keeps the caller's callee-saved
// registers on the caller's stack with CFI relative to the CFA, and its CFA
// expression, from the caller's stack pointer saved at 24(%rsp), 96 bytes
// below the CFA, is marked as a record's (BH_CFA_SAVED_SP_MARK twice), so
// the runtime's FDE copy checks it as the way back does (review 55).
// RUN: %clang_bh -O2 -S -o - %s | FileCheck %s
// RUN: %clang_bh -O0 -S -o - %s | FileCheck %s
#include <bulkhead.h>

int callback(int x) { return x + 1; }
int (*get(void))(int) { return callback; }

// CHECK-LABEL: __bulkhead_tramp_any.0.g1x0.w4.a1v0:
// CHECK:      pushq %rbx
// CHECK-NEXT: .cfi_adjust_cfa_offset 8
// CHECK-NEXT: .cfi_offset %rbx, -16
// CHECK:      .cfi_offset %rbp, -24
// CHECK:      .cfi_offset %r12, -32
// CHECK:      .cfi_offset %r13, -40
// CHECK:      .cfi_offset %r14, -48
// CHECK:      .cfi_offset %r15, -56
// CHECK:      pushq %fs:(%r10)
// CHECK-NEXT: .cfi_adjust_cfa_offset 8
// CHECK:      pushq %r11
// CHECK-NEXT: .cfi_adjust_cfa_offset 8
// CHECK:      .cfi_escape 0x0f, 0x07, 0x77, 0x18, 0x06, 0x23, 0x60, 0x96, 0x96{{$}}
// CHECK:      callq *%r11
// CHECK:      jmp __bulkhead_return_to_index
// CHECK-LABEL: .cfi_endproc
