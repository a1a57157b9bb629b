/* A library with a stray WRPKRU in its code, as a careless or hostile
 * dependency might have: PKRU = 0 opens every key. Built with plain clang
 * (bulkhead-clang's checks would refuse it); attack-dlopen.c loads it. */
void open_all_keys(void) {
  __asm__ volatile(".byte 0x31, 0xc9, 0x31, 0xd2, 0x31, 0xc0, 0x0f, 0x01, 0xef" ::: "eax", "ecx",
                   "edx");
}
