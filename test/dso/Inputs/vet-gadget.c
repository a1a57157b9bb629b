/* Linked into libvault.so's code for piece 6's vetting of PKRU writes
 * (key-grant.test, vet-*): one of the following, by macro, in a function
 * the object exports. A stray WRPKRU or XRSTOR, or a checked gate
 * (WRPKRU; cmp X(%rip),%eax; je +2; ud2) whose word X is in RELRO
 * (.data.rel.ro, which ld.so relocates), writable data, or read-only data
 * outside RELRO (the file's bytes, which piece 6's look compares). Compiled
 * by clang alone (the pass refuses such file-scope assembly) and linked
 * with -fno-pkey-link-scan (the link-time scan would refuse each one). */
#if defined(VET_STRAY_WRPKRU)
#define BODY ".byte 0x0f, 0x01, 0xef\n"
#elif defined(VET_STRAY_XRSTOR)
#define BODY ".byte 0x0f, 0xae, 0x28\n" /* xrstor (%rax) */
#else
#if defined(VET_GATE_RELRO)
#define WORD_SECTION ".data.rel.ro,\"aw\""
#elif defined(VET_GATE_DATA)
#define WORD_SECTION ".data,\"aw\""
#elif defined(VET_GATE_RODATA)
#define WORD_SECTION ".rodata,\"a\""
#endif
#define BODY                                                                   \
  ".byte 0x0f, 0x01, 0xef\n"                                                   \
  "cmpl vet_word(%rip), %eax\n"                                                \
  "je 1f\n"                                                                    \
  "ud2\n"                                                                      \
  "1:\n"
__asm__(".pushsection " WORD_SECTION "\n"
        ".p2align 3\n"
        "vet_word: .quad 0x55555554\n"
        ".popsection\n");
#endif

__asm__(".text\n"
        ".globl vet_gadget\n"
        ".type vet_gadget, @function\n"
        "vet_gadget:\n" BODY "ret\n"
        ".size vet_gadget, . - vet_gadget\n");
