// Register hygiene, attacker model A (key-0 loads only): the threat model
// listed as open (not tried) that without compartment stacks a C++ call
// into a compartment that may throw (an `invoke` in the IR) does not cut
// its result: cutIntegerResult cut the result of a gated `call` only. Here
// the vault's entries may throw, and the default domain's honest caller
// holds an object with a destructor, so each of its calls of them is an
// invoke; the vault returns the first byte (struct of 1), the first five
// bytes (struct of 5, i40) or a `signed char` of a word of its key,
// computed as the word's truncation, so the rest of the word rides along
// in rax. The caller kept the result across its gate back in rbx (`movl
// %eax, %ebx`, `movq %rax, %rbx`), and the next function whose prologue
// pushes rbx put the key's other bytes in key-0 stack memory. ATTACK
// SUCCEEDED 3 of 3 in the guest before, in each of the three runs
// without stacks (with compartment stacks the trampolines cut: 3 of 3
// "no"). Now an invoke's result is cut too, at the start of its normal
// destination before the gate back (pass/Gate.cpp, cutIntegerResult).
// The throw still reaches the caller's catch.
// REQUIRES: pku
// RUN: %bulkhead_clangxx -fpkey-compartments -fno-pkey-compartment-stacks -O2 %s -o %ts
// RUN: %run %ts one | FileCheck %s --check-prefixes=CHECK,ONE
// RUN: %run %ts five | FileCheck %s --check-prefixes=CHECK,FIVE
// RUN: %run %ts byte | FileCheck %s --check-prefixes=CHECK,BYTE
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 %s -o %t
// RUN: %run %t one | FileCheck %s --check-prefixes=CHECK,ONE
// RUN: %run %t five | FileCheck %s --check-prefixes=CHECK,FIVE
// RUN: %run %t byte | FileCheck %s --check-prefixes=CHECK,BYTE
// ONE: the vault's byte: 0x4b
// FIVE: the vault's bytes: Kq7#v
// BYTE: the vault's char: 75
// CHECK-NEXT: caught 7
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: the key's other bytes on the stack: no
#include "Inputs/check.h"
#include "Inputs/result-spill.h"

/* An 8-byte word that appears nowhere else. */
#define KEY "Kq7#vP2m"
BULKHEAD_DATA(vault) char vault_key[9] = KEY;
BULKHEAD_DATA(vault) volatile int vault_i = 0;

struct one {
  char c;
};
struct five {
  char c[5];
};

__attribute__((noinline)) static uint64_t vault_word(int i) {
  uint64_t w;
  memcpy(&w, vault_key + 8 * i, 8);
  return w;
}

/* The first byte (bytes) of its word, which it means to give; each may
 * throw, so that its callers' calls are invokes. */
extern "C" BULKHEAD_ENTRY(vault) struct one vault_first(int fail) {
  if (fail)
    throw fail;
  struct one r = {(char)vault_word(vault_i)};
  return r;
}
extern "C" BULKHEAD_ENTRY(vault) struct five vault_first5(int fail) {
  if (fail)
    throw fail;
  uint64_t w = vault_word(vault_i);
  struct five r;
  memcpy(&r, &w, 5);
  return r;
}
extern "C" BULKHEAD_ENTRY(vault) signed char vault_byte(int fail) {
  if (fail)
    throw fail;
  return (signed char)vault_word(vault_i);
}

/* Honest default-domain code: a destructor, which makes the calls in its
 * scope invokes (the rest: Inputs/result-spill.h). */
struct Guard {
  ~Guard();
};
__attribute__((noinline)) Guard::~Guard() { __asm__ volatile("" ::: "memory"); }

struct one got1;
struct five got5;
signed char gotb;

/* The calls, under a frame deep enough that main's own calls afterwards
 * leave the slots the callees' prologues wrote alone. */
__attribute__((noinline)) static void calls(int mode, int fail) {
  char deep[1024];
  __asm__ volatile("" ::"r"(deep) : "memory");
  Guard g;
  if (mode == 1)
    got5 = vault_first5(fail);
  else if (mode == 2)
    gotb = vault_byte(fail);
  else
    got1 = vault_first(fail);
  aligned_call();
  deeper(2);
  __asm__ volatile("" ::"r"(deep) : "memory");
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  const char *m = argc > 1 ? argv[1] : "one";
  int mode = !strcmp(m, "five") ? 1 : !strcmp(m, "byte") ? 2 : 0;
  calls(mode, 0);
  const char *sp;
  __asm__ volatile("movq %%rsp, %0" : "=r"(sp));
  /* Rebuilt from the literal: main cannot read the vault's copy. Bytes the
   * vault gave, then at least one it did not. */
  static const char key[] = KEY;
  int found = mode == 1 ? on_stack(sp, key + 4, 4) : on_stack(sp, key, 4);
  if (mode == 1)
    printf("the vault's bytes: %.5s\n", got5.c);
  else if (mode == 2)
    printf("the vault's char: %d\n", gotb);
  else
    printf("the vault's byte: %#x\n", (unsigned char)got1.c);
  try {
    calls(mode, 7);
  } catch (int e) {
    printf("caught %d\n", e);
  }
  if (found)
    printf("ATTACK SUCCEEDED: the vault's key bytes are in key-0 stack "
           "memory\n");
  printf("the key's other bytes on the stack: %s\n", found ? "yes" : "no");
  return 0;
}
