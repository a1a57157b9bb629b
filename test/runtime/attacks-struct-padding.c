// Attacker model B (the default domain's program counter: its code reads
// the registers a compartment's call or return gives it). Clang passes and
// returns a struct of up to 16 bytes as integers loaded from the struct's
// memory, its padding bytes included, and nothing cleared them: here the
// vault builds a tag (a char, then an int) by copying a word of its key
// into it and setting the int, meaning to give the key's first byte as a
// check byte, and bytes 1-3 of the word stay in the padding. The attacker's
// code reads rax after calling the vault's entry (result), rdi when the
// vault calls it (arg), and the same for a 16-byte struct whose first
// eight bytes hold padding (result16: rax; arg16: rdi). Before: ATTACK
// SUCCEEDED in every run below, natively with BULKHEAD_ALLOW_UNPROTECTED=1
// and 3 of 3 in the guest. Now the pass, before any optimization (where
// clang's coerced load still reads the struct's variable, whose type says
// where its padding is), clears the padding bytes of such a compartment's
// result and of such an argument of a call out (pass/Padding.cpp).
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t result | FileCheck %s
// RUN: %run %t result16 | FileCheck %s
// RUN: %run %t arg | FileCheck %s
// RUN: %run %t arg16 | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -O0 %s -o %t0
// RUN: %run %t0 result | FileCheck %s
// RUN: %run %t0 arg16 | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-compartment-stacks -O2 %s -o %tn
// RUN: %run %tn result16 | FileCheck %s
// RUN: %run %tn arg | FileCheck %s
// CHECK: check byte 90, count 7
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: key bytes in the padding: no
#include "Inputs/check.h"
#include "Inputs/vault-word.h"

struct tag {
  char check;
  int count;
};
struct big_tag {
  struct tag t;
  long serial;
};

/* A tag whose check byte is the key word's first byte: the word's other
 * bytes land in the padding, the int is then set. */
static struct tag vault_make(void) {
  uint64_t w = vault_word(vault_i);
  struct tag t;
  memcpy(&t, &w, sizeof t);
  t.count = 7;
  return t;
}
BULKHEAD_ENTRY(vault) struct tag vault_tag(void) { return vault_make(); }
BULKHEAD_ENTRY(vault) struct big_tag vault_big_tag(void) {
  struct big_tag b = {vault_make(), 42};
  return b;
}

/* The attacker's code: the bytes of the register the value came in,
 * padding included (the parameter's copy of it). */
uint64_t seen;
int seen_count;
__attribute__((noinline)) void take(struct tag t) {
  memcpy(&seen, &t, sizeof seen);
  seen_count = t.count;
}
__attribute__((noinline)) void take_big(struct big_tag b) {
  memcpy(&seen, &b, sizeof seen);
  seen_count = b.t.count;
}
BULKHEAD_ENTRY(vault) void vault_give(int big) {
  if (big) {
    struct big_tag b = {vault_make(), 42};
    take_big(b);
  } else {
    take(vault_make());
  }
}
void call_tag(void), call_big_tag(void);
__asm__(".text\n"
        ".globl call_tag\n"
        "call_tag:\n"
        "  pushq %rbx\n"
        "  call vault_tag\n"
        "  movq %rax, seen(%rip)\n"
        "  popq %rbx\n"
        "  ret\n"
        ".globl call_big_tag\n"
        "call_big_tag:\n"
        "  pushq %rbx\n"
        "  call vault_big_tag\n"
        "  movq %rax, seen(%rip)\n"
        "  popq %rbx\n"
        "  ret\n");

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  const char *how = argc > 1 ? argv[1] : "result";
  if (!strcmp(how, "result"))
    call_tag();
  else if (!strcmp(how, "result16"))
    call_big_tag();
  else
    vault_give(!strcmp(how, "arg16"));
  if (!strncmp(how, "result", 6))
    seen_count = (int)(seen >> 32);
  printf("check byte %d, count %d\n", (int)(char)seen, seen_count);
  /* Rebuilt from the literal: main cannot read the vault's copy. */
  static const char key[] = KEY;
  int found = !memcmp((const char *)&seen + 1, key + 9, 3);
  if (found)
    printf("ATTACK SUCCEEDED: bytes 1-3 of the vault's key word in the "
           "padding\n");
  printf("key bytes in the padding: %s\n", found ? "yes" : "no");
  return 0;
}
