# A hand-written object with a stray WRPKRU (test/driver/link-scan-real.test).
	.text
	.globl	stray
	.type	stray, @function
stray:
	nop
	wrpkru
	ret
	.size	stray, .-stray
	.section .note.GNU-stack,"",@progbits
