# Fixture: a fake C library, linked with -soname libc.so.6 (or another name)
# by system.test. Its pkey_set has the shape of glibc's (RDPKRU ... WRPKRU),
# so that one WRPKRU is recognised as a system gadget; every other WRPKRU
# byte sequence must stay unvetted. --defsym NO_RDPKRU=1 drops the RDPKRU,
# --defsym TWO=1 adds a second WRPKRU to pkey_set, --defsym BADSIZE=1 makes
# the symbol end inside the next function's first instruction: then none is
# recognised.
    .text
    .globl pkey_set
    .type pkey_set,@function
pkey_set:
    xorl %ecx, %ecx
.ifndef NO_RDPKRU
    rdpkru
.endif
    movl $0x00ef010f, %eax      # WRPKRU bytes inside pkey_set, not an instruction
    xorl %edx, %edx
    orl %esi, %eax
    wrpkru                      # the real one
.ifdef TWO
    wrpkru
.endif
    xorl %eax, %eax
    ret
.ifdef BADSIZE
    .size pkey_set, .-pkey_set+1
.else
    .size pkey_set, .-pkey_set
.endif

    .globl pkey_get_set
    .type pkey_get_set,@function
pkey_get_set:                   # the same code in another function
    xorl %ecx, %ecx
    rdpkru
    xorl %edx, %edx
    wrpkru
    ret
    .size pkey_get_set, .-pkey_get_set
