// -bulkhead-stacks: a call into a compartment goes through a trampoline that
// holds both checked gates, takes this thread's stack in the compartment
// (allocating it on first use), checks the slot against the compartment's
// stack arena and its stack's mark, copies the stack arguments and switches
// rsp; right after its gate it traps when the caller's rsp lies in the
// compartment's own arena (no honest caller is there). A call out of a
// compartment checks the compartment's own stack pointer when it comes back.
// RUN: %clang_bh -O2 -S -o - %s | FileCheck %s
// RUN: %clang_bh -O0 -S -o - %s | FileCheck %s
#include <bulkhead.h>

BULKHEAD_ENTRY(vault) long vault_nine(long, long, long, long, long, long, long, long, long);
void outside(int x) { (void)x; } // default-domain code

long use(void) { return vault_nine(1, 2, 3, 4, 5, 6, 7, 8, 9); }
BULKHEAD_ENTRY(vault) void vault_calls_out(int x) { outside(x); }

// CHECK-LABEL: use:
// CHECK: callq __bulkhead_tramp.__bulkhead_body.vault_nine.0.32
// CHECK-NOT: wrpkru
// CHECK-LABEL: .Lfunc_end

// CHECK-LABEL: __bulkhead_body.vault_calls_out:
// CHECK: xorl %esi, %esi
// CHECK: callq __bulkhead_tramp.outside.vault.0

// Into the vault, 32 bytes (3 words, rounded to 16) of stack arguments:
// CHECK-LABEL: __bulkhead_tramp.__bulkhead_body.vault_nine.0.32:
// CHECK:      movq __bulkhead_stack.vault@GOTTPOFF(%rip), %r11
// CHECK-NEXT: cmpq $0, %fs:(%r11)
// CHECK:      callq __bulkhead_stack_new
// CHECK:      movl __bulkhead_domain.vault(%rip), %eax
// CHECK-NEXT: [[IN:.Ltmp[0-9]+]]:
// CHECK-NEXT: wrpkru
// CHECK-NEXT: cmpl __bulkhead_domain.vault(%rip), %eax
// CHECK:      .quad [[IN]]
// Right after the gate: the caller's rsp must not lie in the vault's own
// arena (attacks-rev59b-entry-sp-forged-unwind.cpp).
// CHECK:      # the caller is not on the callee's stack
// CHECK-NEXT: cmpq __bulkhead_domain.vault+40(%rip), %rsp
// CHECK-NEXT: jbe [[FINE:.Ltmp[0-9]+]]
// CHECK-NEXT: cmpq __bulkhead_domain.vault+48(%rip), %rsp
// CHECK-NEXT: jbe [[TRAP:.Ltmp[0-9]+]]
// CHECK-NEXT: [[FINE]]:
// CHECK-NEXT: # load the callee's stack top
// CHECK-NEXT: movq __bulkhead_stack.vault@GOTTPOFF(%rip), %rcx
// CHECK-NEXT: movq %fs:(%rcx), %rax
// CHECK-NEXT: cmpq __bulkhead_domain.vault+40(%rip), %rax
// CHECK-NEXT: jbe [[TRAP]]
// CHECK-NEXT: cmpq __bulkhead_domain.vault+48(%rip), %rax
// CHECK-NEXT: ja [[TRAP]]
// CHECK-NEXT: testb $15, %al
// CHECK-NEXT: jne [[TRAP]]
// The slot (key-0) at or below the mark in its stack's header (the top 64
// bytes); above it the mark is taken instead. The fresh top just below the
// header resets the mark and clears the newest kept signal frame's record,
// unless a word between the mark and the top holds the compartment's
// cookie, plain or marked (a call out's record: frames live there); then
// the mark is taken. Another thread's stack (its owner's fs base in the
// header, abi.h BH_STACK_OWNER_BELOW, which the runtime writes when it
// gives the stack to a thread) is refused.
// CHECK-NEXT: # the stack top at or below the mark, or fresh
// CHECK-NEXT: movq %rax, %rdx
// CHECK-NEXT: subq __bulkhead_domain.vault+40(%rip), %rdx
// CHECK-NEXT: subq $1, %rdx
// CHECK-NEXT: orq $1048575, %rdx
// CHECK-NEXT: addq __bulkhead_domain.vault+40(%rip), %rdx
// CHECK-NEXT: # the stack is this thread's
// CHECK-NEXT: cmpl $0, __bulkhead_domain0+76(%rip)
// CHECK-NEXT: je [[OWNED:.Ltmp[0-9]+]]
// CHECK-NEXT: rdfsbaseq %rcx
// CHECK-NEXT: cmpq %rcx, -23(%rdx)
// CHECK-NEXT: jne
// CHECK-NEXT: [[OWNED]]:
// CHECK-NEXT: leaq -63(%rdx), %rcx
// CHECK-NEXT: cmpq %rcx, %rax
// CHECK-NEXT: jne [[NOTFRESH:.Ltmp[0-9]+]]
// CHECK-NEXT: # fresh: no call out's record between the mark and the top
// CHECK-NEXT: movq -7(%rdx), %rcx
// CHECK-NEXT: testq %rcx, %rcx
// CHECK-NEXT: je [[RESTART:.Ltmp[0-9]+]]
// CHECK-NEXT: cmpq %rcx, %rax
// CHECK-NEXT: jbe [[RESTART]]
// CHECK-NEXT: andq $-8, %rcx
// CHECK-NEXT: movq __bulkhead_domain.vault+40(%rip), %rax
// CHECK-NEXT: movq -65536(%rax), %rax
// CHECK-NEXT: [[SCAN:.Ltmp[0-9]+]]:
// CHECK-NEXT: cmpq (%rcx), %rax
// CHECK-NEXT: je [[LIVE:.Ltmp[0-9]+]]
// CHECK-NEXT: xorq $2, %rax
// CHECK-NEXT: cmpq (%rcx), %rax
// CHECK-NEXT: je [[LIVE]]
// CHECK-NEXT: xorq $2, %rax
// CHECK-NEXT: addq $8, %rcx
// CHECK-NEXT: cmpq %rdx, %rcx
// CHECK-NEXT: jb [[SCAN]]
// CHECK-NEXT: leaq -63(%rdx), %rax
// CHECK-NEXT: [[RESTART]]:
// CHECK-NEXT: movq %rax, -7(%rdx)
// CHECK-NEXT: movq $0, -15(%rdx)
// CHECK-NEXT: jmp [[BELOW:.Ltmp[0-9]+]]
// CHECK-NEXT: [[LIVE]]:
// CHECK-NEXT: leaq -63(%rdx), %rax
// CHECK-NEXT: [[NOTFRESH]]:
// CHECK-NEXT: cmpq -7(%rdx), %rax
// CHECK-NEXT: jbe [[BELOW]]
// CHECK-NEXT: movq -7(%rdx), %rax
// CHECK-NEXT: [[BELOW]]:
// The old mark into the frame, the mark and then the slot below it.
// CHECK-NEXT: # write the frame, move the mark
// CHECK-NEXT: movq -7(%rdx), %rcx
// CHECK-NEXT: movq %rcx, -32(%rax)
// CHECK-NEXT: leaq -64(%rax), %rcx
// CHECK-NEXT: movq %rcx, -7(%rdx)
// CHECK-NEXT: movq __bulkhead_stack.vault@GOTTPOFF(%rip), %rdx
// CHECK-NEXT: movq %rcx, %fs:(%rdx)
// CHECK:      movq 8(%rsp), %rdx
// CHECK-NEXT: movq %rdx, -64(%rax)
// CHECK:      movq 32(%rsp), %rdx
// CHECK-NEXT: movq %rdx, -40(%rax)
// CHECK-NEXT: # switch stack
// CHECK-NEXT: leaq -64(%rax), %rsp
// CFA = *(rsp + 56) + 8: the caller's saved stack pointer, for unwinding.
// Unmarked (abi.h, BH_CFA_SAVED_SP_MARK): the pointer is on the vault's stack.
// CHECK-NEXT: .cfi_escape 0x0f, 0x05, 0x77, 0x38, 0x06, 0x23, 0x08{{$}}
// CHECK:      callq __bulkhead_body.vault_nine
// CHECK:      # restore the callee's mark
// CHECK:      movq (%rsp), %rax
// CHECK-NEXT: movq %rax, -7(%rcx)
// CHECK-NEXT: # restore the callee's slot
// CHECK:      movl __bulkhead_domain0(%rip), %eax
// CHECK-NEXT: [[OUT:.Ltmp[0-9]+]]:
// CHECK-NEXT: wrpkru
// CHECK:      .quad [[OUT]]
// The caller's slot is put back only once its stack is.
// CHECK:      movq %r11, %rsp
// CHECK-NEXT: .cfi_def_cfa %rsp, 8
// CHECK-NEXT: # restore the caller's slot
// CHECK-NEXT: movq __bulkhead_stack.0@GOTTPOFF(%rip), %rcx
// CHECK-NEXT: movq %r9, %fs:(%rcx)
// CHECK-NEXT: # return
// CHECK-NEXT: movq %r10, %rax
// CHECK:      retq
// A refused check clears the scratch registers before its ud2 (a SIGILL
// handler reads them).
// CHECK:      # refused
// CHECK-NEXT: [[TRAP]]:
// CHECK-NEXT: xorl %eax, %eax
// CHECK-NEXT: xorl %ecx, %ecx
// CHECK:      xorl %r10d, %r10d
// CHECK-NEXT: ud2

// Out of the vault: its callee-saved registers are kept on its own stack
// and cleared for the callee, under the vault's cookie (read below its
// stack arena) marked as a static frame's (xor 2); the vault's stack
// pointer is checked after the gate back, and so is the cookie there,
// before the registers are restored.
// CHECK-LABEL: __bulkhead_tramp.outside.vault.0:
// CHECK:      pushq %rbx
// CHECK:      pushq %r15
// CHECK:      xorl %ebx, %ebx
// CHECK:      xorl %r15d, %r15d
// Its mark as it was, kept on its own stack, then the cookie; the slot
// and the mark move below them with the vault's rights.
// CHECK-NEXT: # push the caller's mark
// CHECK-NEXT: pushq $0
// CHECK-NEXT: .cfi_adjust_cfa_offset 8
// CHECK:      movq -7(%r14), %r11
// CHECK-NEXT: movq %r11, (%rsp)
// CHECK:      movq __bulkhead_domain.vault+40(%rip), %r11
// CHECK-NEXT: movq -65536(%r11), %r11
// CHECK-NEXT: xorq $2, %r11
// CHECK-NEXT: pushq %r11
// CHECK-NEXT: .cfi_adjust_cfa_offset 8
// CHECK-NEXT: xorl %r11d, %r11d
// CHECK-NEXT: # the caller's stack continues below
// CHECK-NEXT: movq __bulkhead_stack.vault@GOTTPOFF(%rip), %r11
// CHECK-NEXT: movq %fs:(%r11), %r12
// CHECK:      movq %r13, -7(%r14)
// CHECK-NEXT: movq %r13, %fs:(%r11)
// CHECK:      movl __bulkhead_domain0(%rip), %eax
// CHECK:      wrpkru
// While the callee runs, the CFA from the vault's stack pointer saved on
// the callee's stack, 72 above it; marked with a trailing DW_OP_nop (abi.h,
// BH_CFA_SAVED_SP_MARK): the runtime's copy checks the cookie there first.
// CHECK:      # switch stack
// CHECK-NEXT: leaq -32(%rax), %rsp
// CHECK-NEXT: .cfi_escape 0x0f, 0x06, 0x77, 0x18, 0x06, 0x23, 0x48, 0x96{{$}}
// CHECK:      callq outside
// CHECK:      # return: drop the stack arguments
// CHECK-NEXT: leaq (%rsp), %rsp
// CHECK-NEXT: .cfi_escape 0x0f, 0x06, 0x77, 0x18, 0x06, 0x23, 0x48, 0x96{{$}}
// CHECK:      movl __bulkhead_domain.vault(%rip), %eax
// CHECK:      wrpkru
// CHECK:      movq %r11, %rsp
// CHECK-NEXT: .cfi_def_cfa %rsp, 72
// CHECK-NEXT: # the caller's stack pointer in its arena
// CHECK-NEXT: cmpl $0, __bulkhead_domain0+12(%rip)
// CHECK-NEXT: je [[UNENFORCED:.*]]
// CHECK-NEXT: cmpq __bulkhead_domain.vault+40(%rip), %rsp
// CHECK-NEXT: jbe
// CHECK-NEXT: cmpq __bulkhead_domain.vault+48(%rip), %rsp
// CHECK-NEXT: ja
// CHECK-NEXT: movq %rsp, %rcx
// CHECK-NEXT: subq __bulkhead_domain.vault+40(%rip), %rcx
// CHECK-NEXT: subq $1, %rcx
// CHECK-NEXT: orq $1048575, %rcx
// CHECK-NEXT: addq __bulkhead_domain.vault+40(%rip), %rcx
// CHECK-NEXT: # the stack is this thread's
// CHECK-NEXT: cmpl $0, __bulkhead_domain0+76(%rip)
// CHECK-NEXT: je [[OWNER_OK:.Ltmp[0-9]+]]
// CHECK-NEXT: rdfsbaseq %rax
// CHECK-NEXT: cmpq %rax, -23(%rcx)
// CHECK-NEXT: jne
// CHECK-NEXT: [[OWNER_OK]]:
// CHECK-NEXT: [[UNENFORCED]]:
// CHECK-NEXT: # check and pop the cookie
// CHECK-NEXT: movq __bulkhead_domain.vault+40(%rip), %rcx
// CHECK-NEXT: movq -65536(%rcx), %rcx
// CHECK-NEXT: xorq $2, %rcx
// CHECK-NEXT: cmpq %rcx, (%rsp)
// CHECK-NEXT: jne
// CHECK-NEXT: movq $0, (%rsp)
// CHECK-NEXT: addq $8, %rsp
// CHECK:      # restore the caller's mark
// CHECK:      movq (%rsp), %rax
// CHECK-NEXT: movq %rax, -7(%rcx)
// CHECK:      addq $8, %rsp
// CHECK:      popq %r15
// CHECK:      popq %rbx
// CHECK:      retq
