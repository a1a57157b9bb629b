// Review 84b, attacker model B (the default domain's program counter: its
// code reads the registers a compartment's return gives it): the bits of a
// bit-field's storage unit that no bit-field uses. Clang types
// {unsigned a:4; unsigned b:20; int c;} as {i32, i32}: bits 24-31 of the
// first i32 belong to no field, but to the IR's type they are data, so
// pass/Padding.cpp left them. The vault copies a word of its key over
// the struct and sets its fields; the word's byte 3 stayed in the unused
// bits, and the attacker's code reads rax after calling the entry.
// ATTACK SUCCEEDED 3 of 3 in the guest. Fixed: the fields' bit ranges come
// from the debug information bulkhead-clang asks clang for
// (pass/RecordLayouts.cpp); built with -gline-tables-only, which gives no
// types, it still succeeds.
// Review 85b (the same attack): the driver took any -g option for one that
// gives types, but -gcolumn-info, -grecord-command-line, -gsplit-dwarf
// alone give no debug info and -gline-tables-only / -gmlt no types: built
// with them the key byte came back (ATTACK SUCCEEDED 4 of 4 in the guest,
// the last four builds below). Now the driver reads the level each -g
// option sets (the last one decides) and asks for types where it has none.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -O2 -gcolumn-info %s -o %t1
// RUN: %run %t1 | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -O2 -grecord-command-line -gsplit-dwarf %s -o %t2
// RUN: %run %t2 | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -O2 -gline-tables-only %s -o %t3
// RUN: %run %t3 | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -O2 -g -gmlt %s -o %t4
// RUN: %run %t4 | FileCheck %s
// CHECK: fields given: ok
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: key bits in the unused bits: no
#include "Inputs/check.h"
#include "Inputs/vault-word.h"

struct flags { /* bits 24-31 of the first word: no field's */
  unsigned a : 4;
  unsigned b : 20;
  int c;
};

BULKHEAD_ENTRY(vault) struct flags vault_flags(void) {
  uint64_t w = vault_word(vault_i);
  struct flags f;
  memcpy(&f, &w, sizeof f);
  f.a = 1;
  f.b = 2;
  f.c = 3;
  return f;
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
  struct flags f;
  memcpy(&f, &seen, sizeof f);
  printf("fields given: %s\n", f.a == 1 && f.b == 2 && f.c == 3 ? "ok" : "wrong");
  /* Rebuilt from the literal: main cannot read the vault's copy. */
  static const char key[] = KEY;
  int found = ((const char *)&seen)[3] == key[11];
  if (found)
    printf("ATTACK SUCCEEDED: the key word's byte 3 in the unused bits\n");
  printf("key bits in the unused bits: %s\n", found ? "yes" : "no");
  return 0;
}
