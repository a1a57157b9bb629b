// Reviews 81a and 81b: a result of 8 or 16 bits leaves a compartment with
// the bits of eax above it cleared (they are undefined on x86-64: callers
// extend it, LLVM's callee leaves them as they were): the trampolines keep
// it by a 32-bit move and a mask, the shared-stack thunks cut it by a zext
// behind an empty asm before their gate back; an int keeps its 32-bit move.
// -bulkhead-scrub=none keeps rax whole.
// RUN: %clang_bh -O2 -S -o - %s | FileCheck %s
// RUN: %clang_bh_shared -O2 -S -emit-llvm -o - %s | FileCheck %s --check-prefix=SHARED
// RUN: %clang_bh -O2 -mllvm -bulkhead-scrub=none -S -o - %s | FileCheck %s --check-prefix=NONE
#include <bulkhead.h>

long word(void);
BULKHEAD_ENTRY(vault) signed char vault_byte(void) { return (signed char)word(); }
BULKHEAD_ENTRY(vault) short vault_half(void) { return (short)word(); }
BULKHEAD_ENTRY(vault) _Bool vault_set(void) { return word() != 0; }
BULKHEAD_ENTRY(vault) int vault_int(void) { return (int)word(); }
// A struct's char in rdx, after its long in rax (review 84b: the thunks
// cut the integers of a struct result too).
struct checked {
  long serial;
  char check;
};
BULKHEAD_ENTRY(vault) struct checked vault_checked(void) {
  return (struct checked){1, (char)word()};
}

// The trampolines' order in the output varies: one each.
// CHECK-DAG: andl $255, %eax
// CHECK-DAG: andl $255, %eax
// CHECK-DAG: andl $65535, %eax
// CHECK-DAG: andl $255, %edx

// SHARED-DAG: zext i8 {{.*}} to i64
// SHARED-DAG: zext i16 {{.*}} to i64
// SHARED-DAG: zext i32 {{.*}} to i64
// SHARED-DAG: call i64 asm "", "=r,0"(i64
// SHARED-DAG: insertvalue { i64, i8 } %{{[0-9]+}}, i8 %{{[0-9]+}}, 1

// NONE-NOT: andl $255, %eax
// NONE-NOT: andl $65535, %eax
