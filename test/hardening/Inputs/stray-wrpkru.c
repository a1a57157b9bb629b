/* A library with a stray WRPKRU in its code, as a careless or hostile
 * dependency might have: PKRU = 0 opens every key. Built with plain clang
 * (bulkhead-clang's checks would refuse it); attack-dlopen.c loads it. Its
 * .bulkhead.gates lists the WRPKRU as if it were a gate: a listing is not
 * enough, the bytes must be a checked gate. */
void open_all_keys(void) {
  __asm__ volatile(".byte 0x31, 0xc9, 0x31, 0xd2, 0x31, 0xc0\n"
                   "1: .byte 0x0f, 0x01, 0xef\n"
                   ".pushsection .bulkhead.gates,\"R\",@progbits\n"
                   ".quad 1b\n"
                   ".popsection" ::: "eax", "ecx", "edx");
}
