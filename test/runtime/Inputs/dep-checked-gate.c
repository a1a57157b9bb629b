/* A shared object built without Bulkhead whose only WRPKRU is a checked
 * gate: EAX is compared with a read-only word after the write, and a
 * mismatch traps, so a jump to it installs nothing else
 * (dep-gadgets-unknown.c). */
__asm__(".section .rodata\n"
        ".p2align 2\n"
        "only_pkru: .long 0\n"
        ".text\n"
        ".globl checked_gate\n"
        ".type checked_gate,@function\n"
        "checked_gate:\n"
        "  xorl %ecx, %ecx\n"
        "  xorl %edx, %edx\n"
        "  movl only_pkru(%rip), %eax\n"
        "  wrpkru\n"
        "  cmpl only_pkru(%rip), %eax\n"
        "  je 1f\n"
        "  ud2\n"
        "1:\n"
        "  ret\n");
