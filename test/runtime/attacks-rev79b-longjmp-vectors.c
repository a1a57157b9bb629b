// Review 79b (register hygiene leaving a compartment): a longjmp out of
// the vault to a setjmp of the default domain's leaves the vault by no
// trampoline and no scrub: the gate the pass puts after setjmp only took
// the default domain's rights back, so the vault's vector registers
// arrived in the default domain whole. Here the vault's own AVX code
// (ymm0, ymm9, no vzeroupper) or glibc's EVEX memcpy (ymm16-17, AVX-512
// CPUs) holds its key when it longjmps to an error path, as libpng-style
// code does; the default domain raises a signal and reads the key in its
// frame (key-0 memory). The gate after a setjmp-like call now clears the
// caller-saved registers in place when it runs (pass/Gate.cpp). The ymm
// mode runs in the PKU guest; the evex mode natively where the CPU has
// AVX-512 (attacks-rev79b-longjmp-vectors-evex.test). The "return" mode
// is the control: the vault returns through its trampoline, which scrubs.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t ymm | FileCheck %s
// RUN: %run %t ymm return | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-compartment-stacks -O2 %s -o %ts
// RUN: %run %ts ymm | FileCheck %s
// Without the vector scrub the key is there (the test sees it):
// RUN: %bulkhead_clang -fpkey-compartments -O2 -mllvm -bulkhead-scrub=gpr %s -o %t.g
// RUN: %run %t.g ymm | FileCheck %s --check-prefix=LEAK
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: vault key in the signal frame: no
// LEAK: ATTACK SUCCEEDED
#include "Inputs/check.h"
#include "Inputs/key-scan.h"

#include <setjmp.h>

/* Eight 8-byte words that appear nowhere else. */
#define KEY "Kq7#vP2m" "Zr9!wX4b" "Lt3$yN8c" "Hs6%uQ1d" \
            "Gf5^aJ0e" "Pw2&kM7g" "Vb4*cR9h" "Dn8(eT3j"
BULKHEAD_DATA(vault) char vault_key[64] = KEY;
BULKHEAD_DATA(vault) char vault_copy[64];
BULKHEAD_DATA(vault) volatile size_t vault_size = 64;

/* Works on its key, then fails to the caller's error path. */
BULKHEAD_ENTRY(vault) void vault_work(jmp_buf *env, int evex, int jump) {
  if (evex)
    memcpy(vault_copy, vault_key, vault_size);
  else
    __asm__ volatile("vmovdqu %0, %%ymm0\n"
                     "vmovdqu %1, %%ymm9\n" ::"m"(vault_key[0]),
                     "m"(vault_key[32])
                     : "xmm0", "xmm9");
  if (jump)
    longjmp(*env, 1);
}

static volatile int found;

static void scan_frame(int sig, siginfo_t *si, void *ucv) {
  (void)sig, (void)si;
  static const char key[] = KEY;
  found = key_words_in_frame(ucv, key, 8);
}

static jmp_buf env;

int main(int argc, char **argv) {
  int evex = argc > 1 && !strcmp(argv[1], "evex");
  int jump = !(argc > 2 && !strcmp(argv[2], "return"));
  if (!cpu_has_vectors(evex)) {
    puts("the CPU lacks the vector state to test");
    return 1;
  }
  struct sigaction sa = {.sa_sigaction = scan_frame, .sa_flags = SA_SIGINFO};
  CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
  int back = setjmp(env);
  if (!back)
    vault_work(&env, evex, jump);
  raise(SIGUSR1);
  CHECK(back == jump);
  key_verdict(found, "in the signal frame");
  return 0;
}
