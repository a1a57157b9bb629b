// Calling out of a compartment, a trampoline clears rdx, rcx and rax unless
// they carry arguments. Calls of one unprototyped function with different
// arguments therefore get a trampoline each (named by the count of general
// registers the call's arguments take, .gN): the one for three arguments
// keeps rdx (the third), the one for one argument clears it.
// RUN: %clang_bh -std=c17 -Wno-deprecated-non-prototype -O0 -S -emit-llvm -o - %s | %opt -passes=verify -S -o - | FileCheck %s
#include <bulkhead.h>

int out();
BULKHEAD_ENTRY(vault) int vault_calls(void) { return out(1) + out(1, 2, 3); }

// Clang calls an unprototyped function as variadic: al is kept.
// CHECK: define internal i32 @__bulkhead_tramp.out.vault.0.g1(i32 %0, ...)
// CHECK-NEXT: asm sideeffect "{{.*}}movq %xmm15, %rax\0A# scrub unused argument registers\0Axorl %edx, %edx\0Axorl %ecx, %ecx\0Axorps %xmm13, %xmm13
// CHECK: define internal i32 @__bulkhead_tramp.out.vault.0.g3(i32 %0, i32 %1, i32 %2, ...)
// CHECK-NEXT: asm sideeffect "{{.*}}movq %xmm15, %rax\0A# scrub unused argument registers\0Axorl %ecx, %ecx\0Axorps %xmm13, %xmm13
