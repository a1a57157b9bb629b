# Fixture: gates listed in the .bulkhead.gates manifest. Bulkhead's checked
# gate and an ERIM gate are vetted; with --defsym FORGED=1 the manifest also
# lists a gate whose check reads another variable, and a plain nop.
    .text
    .globl good_gate
    .type good_gate,@function
good_gate:
    xorl %ecx,%ecx
    xorl %edx,%edx
    movl pkru_val(%rip),%eax
1:  wrpkru
    cmpl pkru_val(%rip),%eax
    je 2f
    ud2
2:  ret
    .pushsection .bulkhead.gates,"",@progbits
    .quad 1b
    .quad 0             # discarded by --gc-sections: ignored
    .quad -1
    .popsection

    .globl erim_gate
    .type erim_gate,@function
erim_gate:
3:  xorl %ecx,%ecx
    xorl %edx,%edx
    movl $0x55555554,%eax
4:  wrpkru
    cmpl $0x55555554,%eax
    jne 3b
    ret
    .pushsection .bulkhead.gates,"",@progbits
    .quad 4b
    .popsection

.ifdef FORGED
    .globl bad_gate
    .type bad_gate,@function
bad_gate:
    movl pkru_val(%rip),%eax
5:  wrpkru
    cmpl other_val(%rip),%eax
    je 6f
    ud2
6:  ret
    .globl not_a_gate
not_a_gate:
    nop
    ret
    .pushsection .bulkhead.gates,"",@progbits
    .quad 5b
    .quad not_a_gate
    .popsection
.endif

    .globl main
    .type main,@function
main:
    xorl %eax,%eax
    ret

    .section .rodata
pkru_val: .long 0
other_val: .long 0
    .section .note.GNU-stack,"",@progbits
