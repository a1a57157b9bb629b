// Review 85b, attacker model B (the default domain's program counter: its
// code reads its arguments' bytes on its stack). A struct of more than 16
// bytes that a compartment passes to a default-domain function travels on
// the stack (byval), and the trampoline copies the bytes of it that hold
// data (pass/Stacks.cpp stackSlotLive), a byte at a time: a byte with a
// bit-field in some of its bits was copied whole, the unused bits with it.
// Here byte 0 holds the 1-bit field ok; the vault built the record over a
// word of its key, and bits 1-7 of the key's byte 8 reached the callee:
// ATTACK SUCCEEDED 2 of 2 in the guest (LLVM 19, -O2 and -O0). Fixed: the
// trampoline's mask of each slot is a bit mask now.
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

struct rec { /* 24 bytes; bits 1-7 of byte 0: no field's */
  unsigned char ok : 1;
  char b;
  long c;
  long d;
};

/* The attacker's code in the default domain: its argument's bytes. */
unsigned char seen0;
int fields_ok;
__attribute__((noinline)) void sink(struct rec r) {
  memcpy(&seen0, &r, 1);
  fields_ok = r.ok == 1 && r.b == 2 && r.c == 3 && r.d == 4;
}

BULKHEAD_ENTRY(vault) void vault_give(void) {
  uint64_t w = vault_word(vault_i);
  struct rec r;
  memcpy(&r, &w, 8);
  r.ok = 1;
  r.b = 2;
  r.c = 3;
  r.d = 4;
  sink(r);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  vault_give();
  printf("fields given: %s\n", fields_ok ? "ok" : "wrong");
  static const char key[] = KEY; /* rebuilt: main cannot read the vault's */
  int found = (seen0 >> 1) == ((unsigned char)key[8] >> 1);
  if (found)
    printf("ATTACK SUCCEEDED: bits 1-7 of the key's byte 8\n");
  printf("key bits in the unused bits: %s\n", found ? "yes" : "no");
  return 0;
}
