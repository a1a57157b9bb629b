// Review 84a, attacker model A (key-0 loads only). Clang passes and
// returns a struct of 3, 5-7 or 9-15 bytes as integers wider than the
// struct ({i64, i32} for 12 bytes, i48 for 6), loaded not from the
// struct's variable but from a temporary of the integers' type it copies
// the struct into first; pass/Padding.cpp took the padding of a load from
// that temporary's type, which has none, and cleared nothing. Here the
// vault builds a record {char check; int count; int serial} (12 bytes) or
// {char check; short count; char flag} (6) by copying a word of its key
// into it, meaning the first byte as a check byte, and sets the rest:
// bytes 1-3 of the word stay in the padding. An honest default-domain
// caller keeps the record it gets (result) or is given (arg) in a global,
// padding included, where the attacker reads it. Before: ATTACK SUCCEEDED
// in every run below, 3 of 3 in the guest (LLVM 19).
// Fixed: the padding of a load from such a temporary is that of the object
// copied into it (pass/Padding.cpp).
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t result12 | FileCheck %s
// RUN: %run %t arg12 | FileCheck %s
// RUN: %run %t result6 | FileCheck %s
// RUN: %run %t arg6 | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -O0 %s -o %t0
// RUN: %run %t0 result12 | FileCheck %s
// RUN: %run %t0 arg6 | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-compartment-stacks -O2 %s -o %tn
// RUN: %run %tn result6 | FileCheck %s
// RUN: %run %tn arg12 | FileCheck %s
// CHECK: check byte 90
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: key bytes in the padding: no
#include "Inputs/check.h"
#include "Inputs/vault-word.h"

struct rec12 {
  char check;
  int count;
  int serial;
};
struct rec6 {
  char check;
  short count;
  char flag;
};

static struct rec12 vault_make12(void) {
  uint64_t w = vault_word(vault_i);
  struct rec12 r;
  memcpy(&r, &w, 8);
  r.count = 7;
  r.serial = 9;
  return r;
}
static struct rec6 vault_make6(void) {
  uint64_t w = vault_word(vault_i);
  struct rec6 r;
  memcpy(&r, &w, sizeof r);
  r.count = 7;
  r.flag = 1;
  return r;
}
BULKHEAD_ENTRY(vault) struct rec12 vault_rec12(void) { return vault_make12(); }
BULKHEAD_ENTRY(vault) struct rec6 vault_rec6(void) { return vault_make6(); }

/* The default domain's honest code: it keeps the last record. */
struct rec12 last12;
struct rec6 last6;
__attribute__((noinline)) void keep12(struct rec12 r) { last12 = r; }
__attribute__((noinline)) void keep6(struct rec6 r) { last6 = r; }
BULKHEAD_ENTRY(vault) void vault_give(int six) {
  if (six)
    keep6(vault_make6());
  else
    keep12(vault_make12());
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  const char *how = argc > 1 ? argv[1] : "result12";
  int six = strstr(how, "6") != NULL;
  if (!strncmp(how, "result", 6)) {
    if (six)
      last6 = vault_rec6();
    else
      last12 = vault_rec12();
  } else {
    vault_give(six);
  }
  /* The attacker: loads of the default domain's global. */
  const char *seen = six ? (const char *)&last6 : (const char *)&last12;
  printf("check byte %d\n", seen[0]);
  static const char key[] = KEY; /* rebuilt: main cannot read the vault's */
  int found = !memcmp(seen + 1, key + 9, 1) &&
              (six ? seen[5] == key[13] : !memcmp(seen + 1, key + 9, 3));
  if (found)
    printf("ATTACK SUCCEEDED: the vault's key bytes in the padding\n");
  printf("key bytes in the padding: %s\n", found ? "yes" : "no");
  return 0;
}
