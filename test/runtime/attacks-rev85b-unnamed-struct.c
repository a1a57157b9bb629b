// Review 85b, attacker model B (the default domain's program counter: its
// code reads the registers a compartment's return gives it). A struct's
// layout, and so its bit-fields' unused bits, was known to the pass only
// for a type some variable, global or sret result has, or whose name the
// debug information gives. An unnamed struct behind a typedef
// (typedef struct {...} flags_t) is struct.flags_t to clang's IR but has
// no name in its debug information (the typedef has); the vault keeps its
// record in its heap, only pointers to it in variables, and returns *p:
// clang's temporary of that type had no layout, and bits 24-31 of rax
// carried the key word's byte 3. Before: ATTACK SUCCEEDED in the guest
// (LLVM 19) at -O2 (1 of 1; the -O0 build: not, 0 of 1, but natively
// yes). Fixed: pass/RecordLayouts.cpp names an unnamed
// struct's layout by its typedef too.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -O0 %s -o %t0
// RUN: %run %t0 | FileCheck %s
// CHECK: fields given: ok
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: key bits in the unused bits: no
#include "Inputs/check.h"
#include "Inputs/vault-word.h"

typedef struct { /* bits 24-31 of the first word: no field's */
  unsigned a : 4;
  unsigned b : 20;
  int c;
} flags_t;

BULKHEAD_DATA(vault) flags_t *vault_slot;

BULKHEAD_ENTRY(vault) flags_t vault_flags(void) {
  uint64_t w = vault_word(vault_i);
  flags_t *p = vault_slot ? vault_slot : (vault_slot = malloc(sizeof *p));
  memcpy(p, &w, sizeof *p);
  p->a = 1;
  p->b = 2;
  p->c = 3;
  return *p;
}

uint64_t seen;
void call_flags(void);
__asm__(".text\n"
        ".globl call_flags\n"
        "call_flags:\n"
        "  pushq %rbx\n"
        "  call vault_flags\n"
        "  movq %rax, seen(%rip)\n"
        "  popq %rbx\n"
        "  ret\n");

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  call_flags();
  flags_t f;
  memcpy(&f, &seen, sizeof f);
  printf("fields given: %s\n", f.a == 1 && f.b == 2 && f.c == 3 ? "ok" : "wrong");
  static const char key[] = KEY; /* rebuilt: main cannot read the vault's */
  int found = ((const char *)&seen)[3] == key[11];
  if (found)
    printf("ATTACK SUCCEEDED: the key word's byte 3 in the unused bits\n");
  printf("key bits in the unused bits: %s\n", found ? "yes" : "no");
  return 0;
}
