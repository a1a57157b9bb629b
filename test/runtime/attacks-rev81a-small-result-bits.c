// Review 81a, attacker model A (key-0 loads only, no control of the
// program counter). Review 80b cut a kept rax to 32 bits for a result of 32
// bits or less, but an aggregate of 1, 2 or 3 bytes comes back as i8, i16
// or i24 with no signext/zeroext (its caller reads only its bytes), and one
// of 5 to 7 bytes as i40-i56, kept whole: the bits above the value are
// whatever the compartment left there. Here the vault returns, on purpose,
// the first byte (or five bytes) of a word of its key, computed as the
// word's truncation (a tail call, no instruction): the rest of the word
// rides along in eax (rax). The default domain's honest code then calls
// functions whose prologues push rax (clang's `pushq %rax`, 8 bytes of
// stack alignment) and rbx: the register that carries the result whole
// (rax, or with -fno-pkey-compartment-stacks the rbx the caller kept it in
// across its gate, which moved it with a 32-bit move) lands in key-0 stack
// memory, where loads find the key's other bytes after the fact. ATTACK
// SUCCEEDED 3 of 3 in the guest before, in each of the four runs (i8 and
// i40, with and without compartment stacks). Now the trampolines cut a
// result to its bytes (pass/Stacks.cpp, keepResultGPR; 32 bits for a
// signext/zeroext one, which clang's callers rely on), and without stacks
// the gated call cuts it before its gate back (pass/Gate.cpp,
// cutIntegerResult): 3 of 3 "no" in each.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t | FileCheck %s --check-prefixes=CHECK,ONE
// RUN: %run %t five | FileCheck %s --check-prefixes=CHECK,FIVE
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-compartment-stacks -O2 %s -o %ts
// RUN: %run %ts | FileCheck %s --check-prefixes=CHECK,ONE
// RUN: %run %ts five | FileCheck %s --check-prefixes=CHECK,FIVE
// ONE: the vault's byte: 0x4b
// FIVE: the vault's bytes: Kq7#v
// CHECK-NOT: ATTACK SUCCEEDED
// ONE: the key's other bytes on the stack: no
// FIVE: the key's other bytes on the stack: no
#include "Inputs/check.h"
#include "Inputs/result-spill.h"

/* An 8-byte word that appears nowhere else. */
#define KEY "Kq7#vP2m"
BULKHEAD_DATA(vault) char vault_key[9] = KEY;
BULKHEAD_DATA(vault) volatile int vault_i = 0;

struct one {
  char c;
};
struct five {
  char c[5];
};

__attribute__((noinline)) static uint64_t vault_word(int i) {
  uint64_t w;
  memcpy(&w, vault_key + 8 * i, 8);
  return w;
}

/* The first byte (bytes) of its word, which it means to give. */
BULKHEAD_ENTRY(vault) struct one vault_first(void) {
  struct one r = {(char)vault_word(vault_i)};
  return r;
}
BULKHEAD_ENTRY(vault) struct five vault_first5(void) {
  uint64_t w = vault_word(vault_i);
  struct five r;
  memcpy(&r, &w, 5);
  return r;
}

struct one got1;
struct five got5;

/* The calls, under a frame deep enough that main's own calls afterwards
 * leave the slot aligned_call's prologue wrote alone. */
__attribute__((noinline)) static void calls(int five) {
  char deep[1024];
  __asm__ volatile("" ::"r"(deep) : "memory");
  if (five) {
    got5 = vault_first5();
    aligned_call();
    deeper(2);
  } else {
    got1 = vault_first();
    aligned_call();
    deeper(2);
  }
  __asm__ volatile("" ::"r"(deep) : "memory");
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int five = argc > 1 && !strcmp(argv[1], "five");
  calls(five);
  const char *sp;
  __asm__ volatile("movq %%rsp, %0" : "=r"(sp));
  /* Rebuilt from the literal: main cannot read the vault's copy. Bytes the
   * vault gave, then at least one it did not. */
  static const char key[] = KEY;
  int found = five ? on_stack(sp, key + 4, 4) : on_stack(sp, key, 4);
  if (five)
    printf("the vault's bytes: %.5s\n", got5.c);
  else
    printf("the vault's byte: %#x\n", (unsigned char)got1.c);
  if (found)
    printf("ATTACK SUCCEEDED: the vault's key bytes are in key-0 stack "
           "memory\n");
  printf("the key's other bytes on the stack: %s\n", found ? "yes" : "no");
  return 0;
}
