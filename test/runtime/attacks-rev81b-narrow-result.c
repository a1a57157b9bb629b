// Review 81b, attacker model B (the default domain's program counter):
// review 80b cut rax to 32 bits for a result of 32 bits or less, on the
// premise that the callee extends an 8- or 16-bit result to 32. It does
// not: on x86-64 the callers extend (clang's `movsbl %al, %eax` after the
// call, GCC's alike) and LLVM's callee leaves the bits above the value as
// they were. Here the vault returns a `signed char`, a `short` and a
// `_Bool` computed from a 64-bit word of its key (truncations and a
// `!= 0`: no instruction clears rax's other bits), and the attacker's code
// calls each entry and stores eax in key-0 memory: the way back kept bits
// 8-31 (16-31) of the key word. ATTACK SUCCEEDED 3 of 3 in the guest with
// compartment stacks (the trampolines' 32-bit move) and 3 of 3 with
// -fno-pkey-compartment-stacks (the thunk's `movl %eax, %ebx` across its
// gate). Now the trampolines zero-extend a result of 8 or 16 bits
// (keepResultGPR), and the thunks and pointer wrappers cut it by inline asm
// after their gate back (cutNarrowResult).
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-compartment-stacks -O2 %s -o %t.shared
// RUN: %run %t.shared | FileCheck %s
// CHECK: the vault's results: 0x5a 0x725a 1
// CHECK-NEXT: negative: -91 -29275
// CHECK-NEXT: sum: -29366
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: the key word's bits above the results in eax: no
#include "Inputs/check.h"

/* Two 8-byte words that appear nowhere else. */
#define KEY "Kq7#vP2m" "Zr9!wX4b"
BULKHEAD_DATA(vault) char vault_key[17] = KEY;
BULKHEAD_DATA(vault) volatile int vault_i = 1;

__attribute__((noinline)) static uint64_t vault_word(int i) {
  uint64_t w;
  memcpy(&w, vault_key + 8 * i, 8);
  return w;
}

/* Check values it means to give: a byte, a half-word, "is it set". */
BULKHEAD_ENTRY(vault) signed char vault_byte(void) {
  return (signed char)vault_word(vault_i);
}
BULKHEAD_ENTRY(vault) short vault_half(void) {
  return (short)vault_word(vault_i);
}
BULKHEAD_ENTRY(vault) _Bool vault_set(void) {
  return vault_word(vault_i) != 0;
}

/* Honest callers extend the results themselves: negative ones too. */
BULKHEAD_ENTRY(vault) signed char vault_nbyte(void) {
  return (signed char)~vault_word(vault_i);
}
BULKHEAD_ENTRY(vault) short vault_nhalf(void) {
  return (short)~vault_word(vault_i);
}

/* The attacker's code: a call of each entry, then eax whole. */
uint32_t seen[3];
void attacker(void);
__asm__(".text\n"
        ".globl attacker\n"
        ".type attacker,@function\n"
        "attacker:\n"
        "  pushq %rbx\n"
        "  call vault_byte\n"
        "  movl %eax, seen(%rip)\n"
        "  call vault_half\n"
        "  movl %eax, seen+4(%rip)\n"
        "  call vault_set\n"
        "  movl %eax, seen+8(%rip)\n"
        "  popq %rbx\n"
        "  ret\n"
        ".size attacker, .-attacker\n");

int main(void) {
  printf("the vault's results: %#x %#x %d\n", (unsigned char)vault_byte(),
         (unsigned short)vault_half(), (int)vault_set());
  printf("negative: %d %d\n", vault_nbyte(), vault_nhalf());
  long wide = vault_nbyte() + (long)vault_nhalf();
  printf("sum: %ld\n", wide);
  attacker();
  static const char key[] = KEY;
  uint32_t lo;
  memcpy(&lo, key + 8, 4);
  int leaked = 0;
  if ((seen[0] >> 8) == (lo >> 8) || (seen[2] >> 8) == (lo >> 8))
    leaked = 1;
  if ((seen[1] >> 16) == (lo >> 16))
    leaked = 1;
  if (leaked)
    printf("ATTACK SUCCEEDED: eax came back as %#x, %#x, %#x\n", seen[0],
           seen[1], seen[2]);
  printf("the key word's bits above the results in eax: %s\n",
         leaked ? "yes" : "no");
  return 0;
}
