// Register hygiene, attacker model A (key-0 loads only): the x87 registers
// on the way out of a compartment by a C++ exception. The vault computes
// in long double with its key words, which stay in the x87 registers once
// popped (only their tags change), then throws to a catch in the default
// domain; the hand-over (__bulkhead_exception_arrives, runtime/exceptions.c,
// its PAD_SCRUB) runs BH_SCRUB_VECTORS before the pad. The catch raises a
// signal and reads the frame's XSAVE image (key-0 memory): before
// BH_SCRUB_VECTORS cleared the x87 registers, key word 7 was in the
// frame's ST5 slot, ATTACK SUCCEEDED 3 of 3 in the PKU guest with and
// without compartment stacks (attacks-x87-frame.c covers the
// return, a call out and longjmp). "return" is the control: the
// trampoline's scrub.
// REQUIRES: pku
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 %s -o %t
// RUN: %run %t | FileCheck %s
// RUN: %run %t return | FileCheck %s
// RUN: %bulkhead_clangxx -fpkey-compartments -fno-pkey-compartment-stacks -O2 %s -o %ts
// RUN: %run %ts | FileCheck %s
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: vault key in the signal frame's XSAVE image: no
// CHECK-NEXT: ST0-7 in the signal frame all zero: yes
#include "Inputs/check.h"
#include "Inputs/key-scan.h"

/* Eight 8-byte words, each with its top bit set: as an unsigned integer
 * turned into long double, a word is the significand byte for byte. */
#define KEY "Kq7#vP2\xed" "Zr9!wX4\xe2" "Lt3$yN8\xe3" "Hs6%uQ1\xe4" \
            "Gf5^aJ0\xe5" "Pw2&kM7\xe7" "Vb4*cR9\xe8" "Dn8(eT3\xea"
BULKHEAD_DATA(vault) char vault_key[65] = KEY;
BULKHEAD_DATA(vault) volatile long double vault_scale = 1;
BULKHEAD_DATA(vault) volatile int vault_large;

/* Works on its key in long double, then throws to the caller's catch. */
extern "C" BULKHEAD_ENTRY(vault) int vault_work(int fail) {
  long double scale = vault_scale, sum = 0;
  for (int w = 0; w < 8; w++) {
    uint64_t word;
    memcpy(&word, vault_key + 8 * w, 8);
    sum += (long double)word * scale;
  }
  vault_large = sum / 8 > 1e19L;
  if (fail)
    throw 42;
  return vault_large;
}

static volatile int found = -1, st_zero = -1;

static void scan_frame(int sig, siginfo_t *si, void *ucv) {
  (void)sig, (void)si;
  static const char key[] = KEY;
  const char *end, *x = xsave_image(ucv, &end);
  found = key_words_in(x, end, key, 8);
  st_zero = 1;
  for (int i = 0; i < 8; i++) /* ST0-7: 10 bytes each at 32 + 16 i */
    for (int b = 0; b < 10; b++)
      if (x[32 + 16 * i + b])
        st_zero = 0;
}

int main(int argc, char **argv) {
  int fail = !(argc > 1 && !strcmp(argv[1], "return"));
  struct sigaction sa = {};
  sa.sa_sigaction = scan_frame;
  sa.sa_flags = SA_SIGINFO;
  CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
  int caught = 0;
  try {
    CHECK(vault_work(fail) == 1);
  } catch (int) {
    raise(SIGUSR1);
    caught = 1;
  }
  if (!caught)
    raise(SIGUSR1);
  CHECK(caught == fail);
  CHECK(found >= 0);
  key_verdict(found, "in the signal frame's XSAVE image");
  printf("ST0-7 in the signal frame all zero: %s\n", st_zero ? "yes" : "no");
  return 0;
}
