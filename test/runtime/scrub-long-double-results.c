// The x87 scrub (BH_SCRUB_X87) keeps a long double result: st0, and st1 too
// for a _Complex long double, come back from the vault as it returned
// them; every other x87 register holds nothing of the vault's. The vault
// computes in long double with its key words (each word, as an unsigned
// integer turned into long double, is the significand byte for byte) and
// returns a value of its own; right after the call the default domain
// reads all eight registers (FXSAVE, whatever their tags) and looks for
// the words. Direct calls, calls through a pointer (the wrapper), through
// the entry's thunk, through a pointer that shared code calls for another
// compartment (the run-time-chosen trampoline), and a call out of the
// vault to a default-domain function that returns a long double; with and
// without compartment stacks, at -O2 and -O0.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t && %run %t | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -O0 %s -o %t0 && %run %t0 | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-compartment-stacks -O2 %s -o %ts && %run %ts | FileCheck %s
// CHECK: direct: 2.5 leaked 0
// CHECK-NEXT: pointer: 2.5 leaked 0
// CHECK-NEXT: thunk: 2.5 leaked 0
// CHECK-NEXT: complex: 2.5 -0.75 leaked 0
// CHECK-NEXT: pointer complex: 2.5 -0.75 leaked 0
// CHECK-NEXT: any: 2.5
// CHECK-NEXT: call out: 3.25
#include <bulkhead.h>
#include <complex.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Eight 8-byte words, each with its top bit set. */
#define KEY "Kq7#vP2\xed" "Zr9!wX4\xe2" "Lt3$yN8\xe3" "Hs6%uQ1\xe4" \
            "Gf5^aJ0\xe5" "Pw2&kM7\xe7" "Vb4*cR9\xe8" "Dn8(eT3\xea"
BULKHEAD_DATA(vault) char vault_key[64] = KEY;
BULKHEAD_DATA(vault) volatile long double vault_scale = 1;
BULKHEAD_DATA(vault) volatile int vault_large;

/* The key in x87 registers: its words, as numbers, summed. */
#define WORK_ON_KEY()                                                          \
  do {                                                                         \
    long double scale = vault_scale, sum = 0;                                  \
    for (int w = 0; w < 8; w++) {                                              \
      uint64_t word;                                                           \
      memcpy(&word, vault_key + 8 * w, 8);                                     \
      sum += (long double)word * scale;                                        \
    }                                                                          \
    vault_large = sum > 1e19L;                                                 \
  } while (0)

BULKHEAD_ENTRY(vault) long double vault_ld(void) {
  WORK_ON_KEY();
  return vault_scale * 2.5L;
}
BULKHEAD_ENTRY(vault) long double _Complex vault_cld(void) {
  WORK_ON_KEY();
  long double _Complex c;
  __real__ c = vault_scale * 2.5L;
  __imag__ c = vault_scale * -0.75L;
  return c;
}

// The thunk: what a caller that does not see the annotation calls.
long double vault_ld_unannotated(void) __asm__("vault_ld");

// A default-domain function the vault calls.
__attribute__((noinline)) long double quarter_more(long double x) {
  return x + 0.75L;
}
BULKHEAD_ENTRY(vault) long double vault_call_out(void) {
  WORK_ON_KEY();
  return quarter_more(vault_scale * 2.5L);
}

// Shared code (the pass never sees a function in top-level asm): calls f,
// returns its long double in st0 untouched.
long double call_ld(long double (*f)(void));
__asm__(".text\n.globl call_ld\ncall_ld:\n"
        "subq $8, %rsp\ncallq *%rdi\naddq $8, %rsp\nret\n");
// Another compartment runs it with a pointer made in the default domain.
BULKHEAD_ENTRY(other) double other_calls(long double (*f)(void)) {
  return (double)call_ld(f);
}

static const char key[] = KEY;
static int leaked(void) {
  static char image[512] __attribute__((aligned(16)));
  __asm__ volatile("fxsave64 %0" : "=m"(image));
  int n = 0;
  for (int i = 0; i < 8; i++) /* ST0-7: 10 bytes each at 32 + 16 i */
    for (int w = 0; w < 8; w++)
      n += !memcmp(image + 32 + 16 * i, key + 8 * w, 8);
  return n;
}

int main(void) {
  long double (*volatile pld)(void) = vault_ld;
  long double _Complex (*volatile pcld)(void) = vault_cld;
  long double r = vault_ld();
  int n = leaked();
  printf("direct: %g leaked %d\n", (double)r, n);
  r = pld();
  n = leaked();
  printf("pointer: %g leaked %d\n", (double)r, n);
  r = vault_ld_unannotated();
  n = leaked();
  printf("thunk: %g leaked %d\n", (double)r, n);
  long double _Complex c = vault_cld();
  n = leaked();
  printf("complex: %g %g leaked %d\n", (double)creall(c), (double)cimagl(c), n);
  c = pcld();
  n = leaked();
  printf("pointer complex: %g %g leaked %d\n", (double)creall(c),
         (double)cimagl(c), n);
  printf("any: %g\n", other_calls(pld));
  printf("call out: %g\n", (double)vault_call_out());
  return 0;
}
