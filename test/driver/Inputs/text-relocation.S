/* text-relocation.S - code with an absolute address in .text: a text
 * relocation in a PIE (driver/text-relocations.test). */
	.text
	.globl where
where:
	movabsq $value, %rax
	ret
	.data
value:
	.quad 42
	.section .note.GNU-stack,"",@progbits
