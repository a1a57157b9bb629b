# Fixture: one of every kind of hit the scanner must find and classify, plus
# lookalikes it must not report (LFENCE, the same bytes in .rodata).
    .text
    .globl real_wrpkru
    .type real_wrpkru,@function
real_wrpkru:
    xorl %ecx,%ecx
    xorl %edx,%edx
    wrpkru
    ret
    .size real_wrpkru,.-real_wrpkru

    .globl in_imm32
    .type in_imm32,@function
in_imm32:
    movl $0x00ef010f, %eax
    ret
    .size in_imm32,.-in_imm32

    .globl in_imm64
    .type in_imm64,@function
in_imm64:
    movabsq $0x1122330fef010f44, %rax
    ret

    .globl in_disp
    .type in_disp,@function
in_disp:
    movl 0x00ef010f(%rip), %eax
    ret

    .globl in_call
    .type in_call,@function
in_call:
    .byte 0xe8, 0x0f, 0x01, 0xef, 0x00
    ret

    .globl spanning
    .type spanning,@function
spanning:
    movl $0x0f000000, %eax
    .byte 0x01, 0xef   # add %ebp,%edi
    ret

    .globl real_xrstor
    .type real_xrstor,@function
real_xrstor:
    xrstor (%rdi)
    xrstor64 8(%rdi)
    ret
    .globl xrstor_imm
xrstor_imm:
    movl $0x0028ae0f, %eax
    ret
    .globl lfence_fn
lfence_fn:
    lfence
    ret
    .globl fn_a
    .type fn_a,@function
fn_a:
    movl $0x010f0000, %eax
    .size fn_a,.-fn_a
    .globl fn_b
    .type fn_b,@function
fn_b:
    out %eax,(%dx)
    ret
    .section .rodata
    .globl ro_bytes
ro_bytes:
    .byte 0x0f, 0x01, 0xef
    .section .mytext,"ax",@progbits
    .globl custom
custom:
    .byte 0x0f, 0x01, 0xef
    ret
    .text
    # WRPKRU across a page boundary: 0F is the last byte of a page.
    .globl page_cross
    .p2align 12
page_cross:
    .fill 4095, 1, 0x90
    .byte 0x0f, 0x01, 0xef
    ret
    .section .note.GNU-stack,"",@progbits
