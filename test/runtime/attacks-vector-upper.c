// Issue 11 (register hygiene), attacker model A: key-0 loads only. Gates
// leaving a compartment cleared xmm0-15 with legacy SSE xorps, which
// leaves the upper halves of ymm0-15 as they were, and nothing of
// zmm16-31 or the mask registers. Compartment code puts data there: AVX
// code that skips vzeroupper (here the vault's own inline assembly, under
// a double result in xmm0), and on AVX-512 CPUs glibc itself, whose EVEX
// memcpy and string functions work in ymm16-31 and never clear them (a
// 64-byte memcpy leaves all 64 bytes in ymm16-17). Back in the default
// domain, any signal makes the kernel store the whole vector state in the
// signal frame, key-0 memory the attacker reads: the handler below scans
// it for the vault key. With the scrub of the earlier default (legacy
// xorps; -bulkhead-scrub=gpr clears no vector register at all) the key is
// there; the routines of BH_SCRUB_VECTORS clear it (AVX: vzeroall or vzeroupper;
// AVX-512: zmm16-31 and k0-7). The evex mode runs natively where the CPU
// has AVX-512 (attacks-vector-evex.test), the ymm mode in the PKU guest.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t ymm | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -O2 -mllvm -bulkhead-scrub=gpr %s -o %t.g
// RUN: %run %t.g ymm | FileCheck %s --check-prefix=LEAK
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-compartment-stacks -O2 %s -o %ts
// RUN: %run %ts ymm | FileCheck %s
// CHECK: the CPU has AVX: yes
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: vault key in the signal frame: no
// LEAK: ATTACK SUCCEEDED
#include "Inputs/check.h"
#include "Inputs/key-scan.h"


/* Eight 8-byte words that appear nowhere else. */
#define KEY "Kq7#vP2m" "Zr9!wX4b" "Lt3$yN8c" "Hs6%uQ1d" \
            "Gf5^aJ0e" "Pw2&kM7g" "Vb4*cR9h" "Dn8(eT3j"
BULKHEAD_DATA(vault) char vault_key[64] = KEY;
BULKHEAD_DATA(vault) char vault_copy[64];
BULKHEAD_DATA(vault) volatile size_t vault_size = 64;

/* AVX code that leaves its registers' upper halves dirty: the key's
 * second and fourth 16 bytes stay in ymm0's and ymm9's upper halves, under
 * a result computed with legacy SSE (which keeps them). */
BULKHEAD_ENTRY(vault) double vault_avx(int x) {
  __asm__ volatile("vmovdqu %0, %%ymm0\n"
                   "vmovdqu %1, %%ymm9\n" ::"m"(vault_key[0]),
                   "m"(vault_key[32])
                   : "xmm0", "xmm9");
  return x * 0.5;
}

/* glibc's memcpy, as any compartment uses it (an EVEX one on AVX-512
 * CPUs); and the mask registers, which its string functions write. */
BULKHEAD_ENTRY(vault) double vault_evex(int x) {
  memcpy(vault_copy, vault_key, vault_size);
  __asm__ volatile("kmovq %0, %%k3" ::"m"(vault_key[8]) : "k3");
  return x * 0.5;
}

static volatile int found;

static void scan_frame(int sig, siginfo_t *si, void *ucv) {
  (void)sig, (void)si;
  static const char key[] = KEY;
  found = key_words_in_frame(ucv, key, 8);
}

int main(int argc, char **argv) {
  int evex = argc > 1 && !strcmp(argv[1], "evex");
  printf("the CPU has AVX: %s\n", cpu_has_vectors(0) ? "yes" : "no");
  if (!cpu_has_vectors(evex)) {
    puts("the CPU lacks the vector state to test");
    return 1;
  }
  struct sigaction sa = {.sa_sigaction = scan_frame, .sa_flags = SA_SIGINFO};
  CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
  double r = evex ? vault_evex(3) : vault_avx(3);
  raise(SIGUSR1);
  CHECK(r == 1.5);
  key_verdict(found, "in the signal frame");
  return 0;
}
