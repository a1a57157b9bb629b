// Review 80b, attacker model B (the default domain's program counter):
// review 79a cut a kept xmm result to its value's width, but not rax. The
// SysV ABI leaves the bits of rax above an `int` result undefined, and
// LLVM leaves there whatever the compartment computed: here the vault
// returns, on purpose, the low half of a 64-bit word of its key (its
// helper's result, truncated: no instruction at all), and the way back
// keeps rax whole, so the high half comes along. The attacker's code calls
// the entry and stores rax in key-0 memory (model A would need a
// default-domain signal frame right after the return). ATTACK SUCCEEDED 3
// of 3 in the guest with compartment stacks (the default); not seen with
// -fno-pkey-compartment-stacks (3 of 3 "no": there the result reached rax
// by a 32-bit move). Now the trampolines, static and run-time-chosen, keep
// a result of 32 bits or less by a 32-bit move (pass/Stacks.cpp,
// keepResultGPR; 8- and 16-bit results are extended to 32 by the callee,
// which clang's callers rely on). An aggregate returned in registers (e.g.
// struct {int; char} as one i64) carried its padding bytes too, cleared
// since (attacks-struct-padding.c).
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t | FileCheck %s
// CHECK: the vault's result: 0x2139725a
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: the key word's high half in rax: no
#include "Inputs/check.h"
#include "Inputs/vault-word.h"

/* The low half of its word, which it means to give (a check value). */
BULKHEAD_ENTRY(vault) int vault_low(void) {
  return (int)(vault_word(vault_i) & 0xffffffffu);
}

/* The attacker's code: a call of the entry, then rax whole. */
uint64_t seen;
void attacker(void);
__asm__(".text\n"
        ".globl attacker\n"
        ".type attacker,@function\n"
        "attacker:\n"
        "  pushq %rbx\n"
        "  call vault_low\n"
        "  movq %rax, seen(%rip)\n"
        "  popq %rbx\n"
        "  ret\n"
        ".size attacker, .-attacker\n");

int main(void) {
  printf("the vault's result: %#x\n", (unsigned)vault_low());
  attacker();
  static const char key[] = KEY;
  uint32_t hi;
  memcpy(&hi, key + 12, 4);
  int leaked = (uint32_t)(seen >> 32) == hi;
  if (leaked)
    printf("ATTACK SUCCEEDED: rax came back as %#lx\n", (unsigned long)seen);
  printf("the key word's high half in rax: %s\n", leaked ? "yes" : "no");
  return 0;
}
