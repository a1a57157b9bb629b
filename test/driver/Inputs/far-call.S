/* A call from .text to code in the pass's trampoline section (an output
 * section of its own, after .text), SKIP bytes into it: the test chooses
 * the call's displacement. main calls far_probe, which calls far_target. */
        .text
        .globl far_probe
        .type far_probe, @function
far_probe:
        call far_target
        ret
        .size far_probe, .-far_probe

        .section bulkhead_trampolines, "ax", @progbits
        .skip SKIP, 0xcc
        .type far_target, @function
far_target:
        movl $1, %eax
        ret
        .size far_target, .-far_target
        .section .note.GNU-stack, "", @progbits
