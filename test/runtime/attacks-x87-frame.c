// Register hygiene, attacker model A (key-0 loads only): the x87 registers.
// Every way out of a compartment cleared the general and vector registers
// but left st0-7 as the compartment's code left them. A vault that computes
// with `long double` leaves its operands there: popping an x87 register
// only tags it empty, its 80 bits stay. Back in the default domain, any
// signal makes the kernel store the x87 area (FXSAVE layout: all eight
// registers whatever their tags) in the signal frame, key-0 memory: the
// handler below reads the vault key there (in the XSAVE image only: the
// general registers are another matter). The vault's entry turns its key
// words into long double and returns only an int; the modes leave the
// vault by its return (the trampoline, or the gate back without
// compartment stacks), by a call out to the default domain (which raises
// the signal itself), and by a longjmp to the default domain's setjmp (the
// in-place scrub after setjmp). The guest's XSAVE image always has the
// x87 part (XSTATE_BV bit 0), and so had this AMD host's. Before the
// scrub cleared the x87 registers: ATTACK SUCCEEDED in all six runs below,
// 3 times of 3 in the PKU guest, key words 5 and 7 in the frame's ST4 and
// ST5 slots. Now each register not kept for a result is tagged empty,
// filled with +0 and popped again, and an fxam of the empty st0 sets the
// condition codes (BH_SCRUB_X87, include/bulkhead/abi.h; docs/design.md
// step 9); -bulkhead-scrub=gpr still leaves them.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t return | FileCheck %s
// RUN: %run %t callout | FileCheck %s
// RUN: %run %t longjmp | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-compartment-stacks -O2 %s -o %ts
// RUN: %run %ts return | FileCheck %s
// RUN: %run %ts callout | FileCheck %s
// RUN: %run %ts longjmp | FileCheck %s
// Without the vector (and x87) scrub the key is there: the test sees it.
// RUN: %bulkhead_clang -fpkey-compartments -O2 -mllvm -bulkhead-scrub=gpr %s -o %t.g
// RUN: %run %t.g return | FileCheck %s --check-prefix=LEAK
// CHECK: x87 registers in the signal frame: yes
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: vault key in the signal frame's XSAVE image: no
// CHECK-NEXT: ST0-7 in the signal frame all zero: yes
// CHECK-NEXT: condition codes C3-C0: 1001
// LEAK: ATTACK SUCCEEDED
#include "Inputs/check.h"
#include "Inputs/key-scan.h"

#include <setjmp.h>

/* Eight 8-byte words that appear nowhere else, each with its top bit set:
 * as an unsigned 64-bit integer turned into long double, a word is the
 * 80-bit value's significand, byte for byte. */
#define KEY "Kq7#vP2\xed" "Zr9!wX4\xe2" "Lt3$yN8\xe3" "Hs6%uQ1\xe4" \
            "Gf5^aJ0\xe5" "Pw2&kM7\xe7" "Vb4*cR9\xe8" "Dn8(eT3\xea"
BULKHEAD_DATA(vault) char vault_key[64] = KEY;

static jmp_buf env;
static volatile int mode; /* 0 return, 1 call out, 2 longjmp */

void raise_and_scan(void);

BULKHEAD_DATA(vault) volatile long double vault_scale = 1;
BULKHEAD_DATA(vault) volatile int vault_large;

/* Whether the key's words, as numbers, are large on average: computed in
 * long double (x87), answered as an int. */
BULKHEAD_ENTRY(vault) int vault_key_is_large(void) {
  long double scale = vault_scale, sum = 0;
  for (int w = 0; w < 8; w++) {
    uint64_t word;
    memcpy(&word, vault_key + 8 * w, 8);
    sum += (long double)word * scale;
  }
  vault_large = sum / 8 > 1e19L; /* before it leaves, whichever way */
  if (mode == 1)
    raise_and_scan(); /* a call out: into the default domain */
  if (mode == 2)
    longjmp(env, 1);
  return vault_large;
}

static volatile int found = -1, saved_st = -1, st_zero = -1;
static volatile uint16_t fsw;

static void scan_frame(int sig, siginfo_t *si, void *ucv) {
  (void)sig, (void)si;
  static const char key[] = KEY;
  /* The XSAVE image only: without compartment stacks a call out leaves
   * the callee-saved registers as they were (docs/threat-model.md), and
   * the vault keeps key words there. */
  const char *end, *x = xsave_image(ucv, &end);
  found = key_words_in(x, end, key, 8);
  uint64_t xstate_bv = 0; /* the XSAVE header, after the 512-byte area */
  if (end - x >= 520)
    memcpy(&xstate_bv, x + 512, 8);
  saved_st = end - x < 520 || (xstate_bv & 1); /* XINUSE[0]: x87 saved */
  memcpy((void *)&fsw, x + 2, 2); /* the status word */
  st_zero = 1;
  for (int i = 0; i < 8; i++) { /* ST0-7: 10 bytes each at 32 + 16 i */
    for (int b = 0; b < 10; b++)
      if (x[32 + 16 * i + b])
        st_zero = 0;
    for (int w = 0; w < 8; w++) /* a word as a significand */
      if (!memcmp(x + 32 + 16 * i, key + 8 * w, 8))
        printf("ST%d slot: word %d\n", i, w);
  }
}

/* Not static: a default-domain function, not copied into the vault. */
__attribute__((noinline)) void raise_and_scan(void) {
  raise(SIGUSR1);
}

int main(int argc, char **argv) {
  CHECK(argc > 1);
  mode = !strcmp(argv[1], "callout") ? 1 : !strcmp(argv[1], "longjmp") ? 2 : 0;
  struct sigaction sa = {.sa_sigaction = scan_frame, .sa_flags = SA_SIGINFO};
  CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
  volatile int large = -1;
  if (!setjmp(env))
    large = vault_key_is_large();
  if (mode != 1)
    raise_and_scan();
  CHECK(large == (mode == 2 ? -1 : 1));
  CHECK(found >= 0);
  printf("x87 registers in the signal frame: %s\n", saved_st ? "yes" : "no");
  key_verdict(found, "in the signal frame's XSAVE image");
  printf("ST0-7 in the signal frame all zero: %s\n", st_zero ? "yes" : "no");
  /* C3 C2 C1 C0: what the scrub's last fxam sets, st0 empty (of +0). */
  printf("condition codes C3-C0: %d%d%d%d\n", (fsw >> 14) & 1, (fsw >> 10) & 1,
         (fsw >> 9) & 1, (fsw >> 8) & 1);
  return 0;
}
