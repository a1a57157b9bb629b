// Review 82b, attacker model A (key-0 loads only). A long double argument
// goes on the stack in a 16-byte slot of which the caller's fstpt writes
// 10 bytes; the other 6 are whatever the compartment's stack held there,
// and out of a compartment the trampoline copies whole words to the
// default domain's key-0 stack. Here the vault first passes a word of its
// PIN as the eighth argument of one of its own functions (at 8(%rsp), the
// slot's upper half), then calls a default-domain function with a long
// double: bytes 2-7 of the PIN came along, and main found them on the
// key-0 stack after the call. ATTACK SUCCEEDED 3 of 3 in the guest on
// review 82b's branch. Review 82a's trampoline change, kept on main,
// copies only the 10 bytes of the slot that hold the value and zeroes the
// rest: it passes with it. A byval aggregate's own padding is still copied
// whole (open).
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t | FileCheck %s
// CHECK: logged: 0.0
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: PIN bytes on the stack: no
#include "Inputs/check.h"

#define SECRET "PIN=Zq7#" /* bytes 2-7: "N=Zq7#" */
BULKHEAD_DATA(vault) char vault_pin[8] = SECRET;

static long double logged;

/* The default domain's: its argument in a 16-byte stack slot. */
__attribute__((noinline)) void note_ld(long double x) { logged = x; }

/* The vault's own: the PIN's word is its eighth argument. */
BULKHEAD_INTERNAL(vault) __attribute__((noinline)) long
vault_mix(long a, long b, long c, long d, long e, long f, long g, long h) {
  return a ^ b ^ c ^ d ^ e ^ f ^ g ^ h;
}

BULKHEAD_ENTRY(vault) void vault_log(int n) {
  long w;
  memcpy(&w, vault_pin, 8);
  long m = vault_mix(n, n, n, n, n, n, 0, w);
  note_ld((long double)(m & 1));
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  vault_log(1);
  const char *sp;
  __asm__ volatile("movq %%rsp, %0" : "=r"(sp));
  /* From the literal: main cannot read the vault's copy. */
  static const char want[4] = {'Z', 'q', '7', '#'};
  int found = 0;
  for (const char *p = sp - 4096; p + 4 <= sp && !found; p++)
    found = !__builtin_memcmp(p, want, 4);
  printf("logged: %.1Lf\n", logged);
  if (found)
    printf("ATTACK SUCCEEDED: bytes of the vault's PIN are in key-0 stack "
           "memory\n");
  printf("PIN bytes on the stack: %s\n", found ? "yes" : "no");
  return 0;
}
