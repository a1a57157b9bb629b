# An assembly file's ifunc app_beat whose resolver picks the program's
# default-domain app_heartbeat (attacks-review13a-ifunc-alias.c).
	.text
	.globl	app_beat
	.type	app_beat, @gnu_indirect_function
app_beat:
	leaq	app_heartbeat(%rip), %rax
	ret
	.size	app_beat, .-app_beat
	.section .note.GNU-stack,"",@progbits
