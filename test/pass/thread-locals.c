// Compartment code must not address its own thread-local variables
// through the thread pointer at %fs:0 (key-0 memory the default domain can
// rewrite; runtime/attacks-compartment-tls.c). The pass turns each
// llvm.threadlocal.address in compartment code into an %fs-relative
// pointer (address space 257) at the variable's offset, read from its GOT
// entry, for loads and stores (also through GEPs, with a variable index);
// an escaping address is the runtime's FS base plus that offset.
// Default-domain code keeps the intrinsic. At -O0 and -O2, both stack
// modes, with the IR verifier after the pass; the asm has no %fs:0 in the
// compartment's functions.
// RUN: %clang_bh_stacks -O0 -S -emit-llvm -Xclang -disable-O0-optnone -o - %s | %opt -passes=verify -S -o - | FileCheck %s
// RUN: %clang_bh_stacks -O2 -S -emit-llvm -o - %s | %opt -passes=verify -S -o - | FileCheck %s
// RUN: %clang_bh -O0 -S -emit-llvm -Xclang -disable-O0-optnone -o - %s | %opt -passes=verify -S -o - | FileCheck %s
// RUN: %clang_bh -O2 -S -emit-llvm -o - %s | %opt -passes=verify -S -o - | FileCheck %s
// RUN: %clang_bh_stacks -O0 -S -o - %s | FileCheck %s --check-prefix=ASM
// RUN: %clang_bh_stacks -O2 -S -o - %s | FileCheck %s --check-prefix=ASM
#include <bulkhead.h>

_Thread_local long counter;
_Thread_local char buf[64];
void take(long *p);

BULKHEAD_ENTRY(vault) void vault_count(int i, char c) {
  counter = counter + 1;
  buf[i] = c;
}

BULKHEAD_ENTRY(vault) void vault_escape(void) { take(&counter); }

void plain_count(void) { counter = counter + 1; }

// CHECK-LABEL: define {{.*}} @__bulkhead_body.vault_count(
// CHECK-NOT:   call {{.*}}llvm.threadlocal.address
// CHECK:       call i64 asm "movq ${1:p}@gottpoff(%rip), $0", "=r,s"(ptr {{.*}}@counter)
// CHECK:       store i64 {{.*}}, ptr addrspace(257)
// CHECK:       call i64 asm "movq ${1:p}@gottpoff(%rip), $0", "=r,s"(ptr {{.*}}@buf)
// CHECK:       getelementptr {{.*}}ptr addrspace(257)
// CHECK:       store i8 {{.*}}, ptr addrspace(257)
// CHECK-NOT:   call {{.*}}llvm.threadlocal.address
// CHECK-LABEL: define {{.*}} @__bulkhead_body.vault_escape(
// CHECK-NOT:   call {{.*}}llvm.threadlocal.address
// CHECK:       call ptr @__bulkhead_fs_base()
// CHECK:       call void @take(
// CHECK-NOT:   call {{.*}}llvm.threadlocal.address
// CHECK-LABEL: define {{.*}} @plain_count(
// CHECK:       llvm.threadlocal.address.p0(ptr {{.*}}@counter)
// CHECK-NOT:   addrspace(257)
// CHECK-LABEL: define {{.*}} @vault_count(

// ASM-LABEL: __bulkhead_body.vault_count:
// ASM-NOT:   %fs:0{{$}}
// ASM:       counter@GOTTPOFF(%rip)
// ASM-NOT:   %fs:0{{$}}
// ASM:       .Lfunc_end
// ASM-LABEL: __bulkhead_body.vault_escape:
// ASM-NOT:   %fs:0{{$}}
// ASM:       callq __bulkhead_fs_base
// ASM-NOT:   %fs:0{{$}}
// ASM:       .Lfunc_end
