// Review 84b, attacker model B (the default domain's program counter: its
// code reads the registers a compartment's return gives it). A struct of
// a long and a char comes back as {i64, i8}: the char in dl, the bits of
// rdx above it undefined, and a truncation costs no instruction. Here the
// vault gives a check byte, the low byte of a word of its key (its
// helper's result, truncated), and the word's other bytes stay in rdx.
// The trampolines (compartment stacks) keep each register of a struct
// result to its element's bytes; without compartment stacks the entry's
// thunk cut an integer result (cutIntegerResult) but not the integers of
// a struct one, and kept the char across its gate back with 32-bit moves:
// bytes 1-3 of the word came along. The attacker's code calls the entry
// and stores rdx. Before: ATTACK SUCCEEDED 3 of 3 in the guest without
// compartment stacks at -O2 ("no" at -O0 and with stacks). Now
// cutIntegerResult cuts each narrow integer of a struct result too
// (pass/Gate.cpp).
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-compartment-stacks -O2 %s -o %tn
// RUN: %run %tn | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-compartment-stacks -O0 %s -o %tn0
// RUN: %run %tn0 | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t | FileCheck %s
// CHECK: the vault's check byte: 0x5a
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: the key word's other bytes in rdx: no
#include "Inputs/check.h"
#include "Inputs/vault-word.h"

struct checked {
  long serial;
  char check;
};

BULKHEAD_ENTRY(vault) struct checked vault_checked(void) {
  return (struct checked){42, (char)vault_word(vault_i)};
}

/* The attacker's code: rdx as the entry returned it. */
uint64_t seen;
void call_checked(void);
__asm__(".text\n"
        ".globl call_checked\n"
        "call_checked:\n"
        "  pushq %rbx\n"
        "  call vault_checked\n"
        "  movq %rdx, seen(%rip)\n"
        "  popq %rbx\n"
        "  ret\n");

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  call_checked();
  printf("the vault's check byte: %#x\n", (unsigned)(unsigned char)seen);
  /* Rebuilt from the literal: main cannot read the vault's copy. */
  static const char key[] = KEY;
  int found = !memcmp((const char *)&seen + 1, key + 9, 3);
  if (found)
    printf("ATTACK SUCCEEDED: the key word's other bytes in rdx\n");
  printf("the key word's other bytes in rdx: %s\n", found ? "yes" : "no");
  return 0;
}
