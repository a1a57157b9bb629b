# Fixture: a fake ld.so, linked with -soname ld-linux-x86-64.so.2 by
# system.test. _dl_runtime_resolve_xsavec has the shape of glibc's
# lazy-binding trampoline: XSAVEC the registers with a mask, call the
# resolver, XRSTOR them with the same mask, jump to the resolved function.
# other_xsavec is the same code under another name. The functions are local
# (no .dynsym entry), as in the real ld.so, and have CFI, so a stripped copy
# still has their bounds in .eh_frame. Variants (--defsym):
#   MASK=0x2ee   the restore includes PKRU (bit 9)
#   AREA=0x80    XRSTOR of another area than the one saved
#   RET=1        returns instead of jumping to the resolved function
#   NOCALL=1     no call between the save and the restore
#   EDX=1        EDX is not zeroed before the restore
#   NOCFI=1      no .eh_frame entries
.ifndef MASK
    MASK = 0xee
.endif
.ifndef AREA
    AREA = 0x40
.endif
.macro trampoline name
    .type \name,@function
\name:
.ifndef NOCFI
    .cfi_startproc
.endif
    pushq %rbx
    movq %rsp, %rbx
    andq $-64, %rsp
    subq $0x400, %rsp
    movl $MASK, %eax
    xorl %edx, %edx
    xsavec 0x40(%rsp)
    movq 0x10(%rbx), %rsi
.ifndef NOCALL
    call resolver
.endif
    movq %rax, %r11
    movl $MASK, %eax
.ifdef EDX
    movl %ecx, %edx
.else
    xorl %edx, %edx
.endif
    xrstor AREA(%rsp)
    movq %rbx, %rsp
    popq %rbx
.ifdef RET
    ret
.else
    jmp *%r11
.endif
.ifndef NOCFI
    .cfi_endproc
.endif
    .size \name, .-\name
.endm

    .text
    trampoline _dl_runtime_resolve_xsavec
    trampoline other_xsavec

    .type resolver,@function
resolver:
    movq %rsi, %rax
    ret
    .size resolver, .-resolver

    .globl _dl_debug_state    # something in .dynsym, like the real one
    .type _dl_debug_state,@function
_dl_debug_state:
    ret
    .size _dl_debug_state, .-_dl_debug_state
