/* Inline asm that spells a WRPKRU in .byte (test/driver/link-scan-real.test). */
#include <stdio.h>

void pkru_bytes(void) {
  __asm__ volatile(".byte 0x0f, 0x01, 0xef" ::"a"(0), "c"(0), "d"(0)); /* ASM-LINE */
}

int main(int argc, char **argv) {
  (void)argv;
  if (argc > 5)
    pkru_bytes();
  puts("hello");
  return 0;
}
