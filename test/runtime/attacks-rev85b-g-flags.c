// Review 85b, attacker model B (the default domain's program counter: its
// code reads the registers a compartment's return gives it). The unused
// bits of a bit-field's storage unit (attacks-rev84b-bitfield-bits.c) are
// cleared only where the pass has the struct's layout from debug info,
// which bulkhead-clang asked clang for unless it saw a -g option. But it
// took any -g option for one that gives types: -gcolumn-info,
// -grecord-command-line, -gsplit-dwarf, -gpubnames, -gcodeview ask for no
// debug info at all alone, and -gline-tables-only / -gmlt / -g1 for line
// tables without types; built with any of them the vault's key byte came
// back in bits 24-31 of rax. Before: ATTACK SUCCEEDED 4 of 4 in the guest
// (LLVM 19). Fixed: the driver reads the level each -g option sets (the
// last one decides, as clang's driver), asks for types when that level
// has none, and the pass drops what the user did not ask for (all of it,
// or all but the line tables).
// REQUIRES: pku
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
  static const char key[] = KEY; /* rebuilt: main cannot read the vault's */
  int found = ((const char *)&seen)[3] == key[11];
  if (found)
    printf("ATTACK SUCCEEDED: the key word's byte 3 in the unused bits\n");
  printf("key bits in the unused bits: %s\n", found ? "yes" : "no");
  return 0;
}
