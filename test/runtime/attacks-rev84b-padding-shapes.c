// Review 84b, attacker model B (the default domain's program counter: its
// code reads the registers a compartment's call or return gives it). The
// pass clears a struct's padding where clang loads it from the struct's
// own variable (attacks-struct-padding.c), but two shapes came past it:
// - A struct whose size is not a whole number of its coerced type's bytes
//   (here {int; char; int}, 12 bytes, passed and returned as {i64, i32}):
//   clang copies it into a temporary of the coerced type first and loads
//   from that, whose type has no padding where the struct's was.
// - A struct of a _Float16 and a float (passed and returned as
//   <4 x half> in xmm0): a vector load, which the pass did not mask.
// The vault copies a word of its key over the struct and then sets the
// fields it means to give; the word's bytes stay in the padding. The
// attacker's code reads rax/xmm0 after calling an entry (result12,
// resulthalf) or rdi/xmm0 when the vault calls it (arg12, arghalf).
// Before: ATTACK SUCCEEDED in every run below, 3 of 3 in the guest. Now
// the pass follows clang's copy into the temporary back to the struct's
// variable, and masks a vector as the integer of its bytes
// (pass/Padding.cpp).
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t result12 | FileCheck %s
// RUN: %run %t arg12 | FileCheck %s
// RUN: %run %t resulthalf | FileCheck %s
// RUN: %run %t arghalf | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -O0 %s -o %t0
// RUN: %run %t0 result12 | FileCheck %s
// RUN: %run %t0 arghalf | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-compartment-stacks -O2 %s -o %tn
// RUN: %run %tn resulthalf | FileCheck %s
// RUN: %run %tn arg12 | FileCheck %s
// CHECK: fields given: ok
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: key bytes in the padding: no
#include "Inputs/check.h"
#include "Inputs/vault-word.h"

struct s12 { /* padding: bytes 5-7 */
  int a;
  char b;
  int c;
};
struct hf { /* padding: bytes 2-3 */
  _Float16 h;
  float f;
};

/* The key word over the struct, then the fields it gives: a, c (b is the
 * word's byte 4, a check byte); f (h is the word's bytes 0-1). */
static struct s12 vault_make12(void) {
  uint64_t w = vault_word(vault_i);
  struct s12 t;
  memcpy(&t, &w, 8);
  t.a = 7;
  t.c = 9;
  return t;
}
static struct hf vault_makehf(void) {
  uint64_t w = vault_word(vault_i);
  struct hf t;
  memcpy(&t, &w, 8);
  t.f = 1.0f;
  return t;
}
BULKHEAD_ENTRY(vault) struct s12 vault_s12(void) { return vault_make12(); }
BULKHEAD_ENTRY(vault) struct hf vault_hf(void) { return vault_makehf(); }

/* The attacker's code: the register's 8 bytes as received. */
uint64_t seen;
__attribute__((naked, noinline)) void take12(struct s12 t) {
  __asm__("movq %rdi, seen(%rip)\n\tret");
}
__attribute__((naked, noinline)) void takehf(struct hf t) {
  __asm__("movq %xmm0, seen(%rip)\n\tret");
}
BULKHEAD_ENTRY(vault) void vault_give(int half) {
  if (half)
    takehf(vault_makehf());
  else
    take12(vault_make12());
}
void call_s12(void), call_hf(void);
__asm__(".text\n"
        ".globl call_s12\n"
        "call_s12:\n"
        "  pushq %rbx\n"
        "  call vault_s12\n"
        "  movq %rax, seen(%rip)\n"
        "  popq %rbx\n"
        "  ret\n"
        ".globl call_hf\n"
        "call_hf:\n"
        "  pushq %rbx\n"
        "  call vault_hf\n"
        "  movq %xmm0, seen(%rip)\n"
        "  popq %rbx\n"
        "  ret\n");

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  const char *how = argc > 1 ? argv[1] : "result12";
  int half = strstr(how, "half") != NULL;
  if (!strcmp(how, "result12"))
    call_s12();
  else if (!strcmp(how, "resulthalf"))
    call_hf();
  else
    vault_give(half);
  /* Rebuilt from the literal: main cannot read the vault's copy. */
  static const char key[] = KEY;
  const char *b = (const char *)&seen;
  int ok, found;
  if (half) {
    float f;
    memcpy(&f, b + 4, 4);
    ok = f == 1.0f && !memcmp(b, key + 8, 2);
    found = !memcmp(b + 2, key + 10, 2);
  } else {
    int a;
    memcpy(&a, b, 4);
    ok = a == 7 && b[4] == key[12];
    found = !memcmp(b + 5, key + 13, 3);
  }
  printf("fields given: %s\n", ok ? "ok" : "wrong");
  if (found)
    printf("ATTACK SUCCEEDED: the vault's key bytes in the padding\n");
  printf("key bytes in the padding: %s\n", found ? "yes" : "no");
  return 0;
}
