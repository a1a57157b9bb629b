// Review 79b (register hygiene leaving a compartment): a C++ exception
// thrown in the vault and caught in the default domain leaves the vault by
// no trampoline and no scrub: the unwinder passes the trampoline's frame,
// and the hand-over (__bulkhead_exception_arrives, runtime/exceptions.c)
// and the pad's gate took only the rights back. The vault's vector
// registers, its own AVX code's ymm0 and ymm9 (no vzeroupper) or glibc's
// EVEX memcpy's ymm16-17 on AVX-512 CPUs, reached the catch whole where
// the unwinder did not overwrite them; the default domain raises a signal
// and reads the key in its frame (key-0 memory). The hand-over now clears
// the caller-saved registers before it jumps back to the pad. The ymm mode
// runs in the PKU guest, the evex mode natively where the CPU has AVX-512
// (attacks-rev79b-catch-vectors-evex.test); "return" is the control (the
// trampoline's scrub).
// REQUIRES: pku
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 %s -o %t
// RUN: %run %t ymm | FileCheck %s
// RUN: %run %t ymm return | FileCheck %s
// RUN: %bulkhead_clangxx -fpkey-compartments -fno-pkey-compartment-stacks -O2 %s -o %ts
// RUN: %run %ts ymm | FileCheck %s
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: vault key in the signal frame: no
#include "Inputs/check.h"
#include "Inputs/key-scan.h"


/* Eight 8-byte words that appear nowhere else. */
#define KEY "Kq7#vP2m" "Zr9!wX4b" "Lt3$yN8c" "Hs6%uQ1d" \
            "Gf5^aJ0e" "Pw2&kM7g" "Vb4*cR9h" "Dn8(eT3j"
BULKHEAD_DATA(vault) char vault_key[65] = KEY;
BULKHEAD_DATA(vault) char vault_copy[64];
BULKHEAD_DATA(vault) volatile size_t vault_size = 64;

/* Works on its key, then throws to the caller's catch. */
extern "C" BULKHEAD_ENTRY(vault) void vault_work(int evex, int fail) {
  if (evex)
    memcpy(vault_copy, vault_key, vault_size);
  else
    __asm__ volatile("vmovdqu %0, %%ymm0\n"
                     "vmovdqu %1, %%ymm9\n" ::"m"(vault_key[0]),
                     "m"(vault_key[32])
                     : "xmm0", "xmm9");
  if (fail)
    throw 42;
}

static volatile int found;

static void scan_frame(int sig, siginfo_t *si, void *ucv) {
  (void)sig, (void)si;
  static const char key[] = KEY;
  found = key_words_in_frame(ucv, key, 8);
}

int main(int argc, char **argv) {
  int evex = argc > 1 && !strcmp(argv[1], "evex");
  int fail = !(argc > 2 && !strcmp(argv[2], "return"));
  if (!cpu_has_vectors(evex)) {
    puts("the CPU lacks the vector state to test");
    return 1;
  }
  struct sigaction sa = {};
  sa.sa_sigaction = scan_frame;
  sa.sa_flags = SA_SIGINFO;
  CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
  int caught = 0;
  try {
    vault_work(evex, fail);
  } catch (int) {
    raise(SIGUSR1);
    caught = 1;
  }
  if (!caught)
    raise(SIGUSR1);
  CHECK(caught == fail);
  key_verdict(found, "in the signal frame");
  return 0;
}
