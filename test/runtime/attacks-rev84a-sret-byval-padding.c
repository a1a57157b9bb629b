// Review 84a, attacker model A (key-0 loads only). A struct that crosses
// in memory, not in registers, kept its padding: one of more than 16 bytes
// a compartment returns is written through the caller's sret pointer
// (key-0 memory: the default domain's stack or data) as the vault left it,
// and one passed on the stack (byval: here after five ints, with one
// argument register left for its two) is copied by the trampoline out of
// the compartment, bytes of the vault's padding included, to the default
// domain's stack. Here the vault builds a record {char check; long count;
// ...} by copying a word of its key into it, meaning the first byte as a
// check byte: bytes 1-7 of the word stay in the padding, and the honest
// default-domain code keeps the record in a global where the attacker
// reads it. Before: ATTACK SUCCEEDED in every run below, 3 of 3 in the
// guest (LLVM 19).
// Fixed: a compartment's function zeroes the padding of the struct it
// returns through sret before it returns, and the trampoline copies only
// the data bytes of a byval argument (pass/Padding.cpp, pass/Stacks.cpp).
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t sret | FileCheck %s
// RUN: %run %t byval | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -O0 %s -o %t0
// RUN: %run %t0 sret | FileCheck %s
// RUN: %run %t0 byval | FileCheck %s
// CHECK: check byte 90
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: key bytes in the padding: no
#include "Inputs/check.h"
#include "Inputs/vault-word.h"

struct rec24 {
  char check;
  long count;
  long serial;
};
struct rec16 {
  char check;
  long count;
};

BULKHEAD_ENTRY(vault) struct rec24 vault_rec24(void) {
  uint64_t w = vault_word(vault_i);
  struct rec24 r;
  memcpy(&r, &w, 8);
  r.count = 7;
  r.serial = 9;
  return r;
}

/* The default domain's honest code: it keeps the last record. */
struct rec24 last24;
struct rec16 last16;
__attribute__((noinline)) void keep16(int a, int b, int c, int d, int e,
                                      struct rec16 r) {
  last16 = r;
}
BULKHEAD_ENTRY(vault) void vault_give(void) {
  uint64_t w = vault_word(vault_i);
  struct rec16 r;
  memcpy(&r, &w, 8);
  r.count = 7;
  keep16(1, 2, 3, 4, 5, r);
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int sret = argc < 2 || !strcmp(argv[1], "sret");
  if (sret)
    last24 = vault_rec24();
  else
    vault_give();
  /* The attacker: loads of the default domain's global. */
  const char *seen = sret ? (const char *)&last24 : (const char *)&last16;
  printf("check byte %d\n", seen[0]);
  static const char key[] = KEY; /* rebuilt: main cannot read the vault's */
  int found = !memcmp(seen + 1, key + 9, 7);
  if (found)
    printf("ATTACK SUCCEEDED: the vault's key bytes in the padding\n");
  printf("key bytes in the padding: %s\n", found ? "yes" : "no");
  return 0;
}
