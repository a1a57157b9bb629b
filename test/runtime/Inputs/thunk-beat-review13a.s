# An assembly file's app_beat: a jump to the program's default-domain
# app_heartbeat (attacks-review13a-asm-thunk.c).
	.text
	.globl	app_beat
	.type	app_beat, @function
app_beat:
	jmp	app_heartbeat
	.size	app_beat, .-app_beat
	.section .note.GNU-stack,"",@progbits
