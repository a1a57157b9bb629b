// Data-only attack on a return record of the stack-switching trampolines
// (found in review): while the application's comparator runs (default
// domain, called by qsort for compartment "parser"), default-domain code
// rewrites the {index, saved stack pointer} words that the trampoline left
// on the default stack, so that the way back would gate into the vault and
// return through words the vault once copied from attacker input onto its
// own stack. The record there lacks the vault's cookie: the way back traps
// (SIGILL) instead of running attacker-chosen code with the vault's rights.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t | FileCheck %s
// CHECK-NOT: stole vault secret
// CHECK: attack trapped (SIGILL)
#include "Inputs/check.h"
#include <stdint.h>
BULKHEAD_DATA(vault) static int vsecret = 42;
BULKHEAD_DATA(parser) static int psecret = 1;
extern const uint32_t bh_index_pkru[] __asm__("__bulkhead_index_table")
    __attribute__((visibility("hidden")));
static int shared[4];
static volatile int *vault_secret;
static volatile uintptr_t fake_rsp, vault_idx, armed;

BULKHEAD_ENTRY(vault) int *vault_secret_address(void) { return &vsecret; }
// Ordinary compartment code: copies caller input onto its own stack.
BULKHEAD_ENTRY(vault) uintptr_t vault_process(const char *in, unsigned n) {
  char buf[128] __attribute__((aligned(16)));
  memcpy(buf, in, n);
  int sum = 0;
  for (unsigned k = 0; k < n; k++) sum += buf[k];
  __asm__ volatile("" ::"r"(buf) : "memory");
  return (uintptr_t)buf + (sum & 0); /* PoC only: a real attacker uses the
                                        constant offset below the vault's slot */
}
BULKHEAD_ENTRY(parser) int parser_sort(int (*cmp)(const void *, const void *)) {
  qsort(shared, 4, sizeof shared[0], cmp);
  return psecret;
}
__attribute__((used, noinline)) static void steal(void) {
  char msg[64];
  int n = snprintf(msg, sizeof msg, "stole vault secret %d, pkru %#x\n", *vault_secret, test_rdpkru());
  write(1, msg, n);
  _exit(0);
}
static int app_cmp(const void *a, const void *b) {
  if (armed) { /* memory corruption in the default domain: two word writes */
    char *slot0;
    __asm__ volatile("movq __bulkhead_stack.0@gottpoff(%%rip), %0\n movq %%fs:(%0), %0" : "=r"(slot0));
    char *T = slot0 + 32;
    *(uintptr_t *)(T - 16) = vault_idx;
    *(uintptr_t *)(T - 8) = fake_rsp;
  }
  return *(const int *)a - *(const int *)b;
}
int main(void) {
  vault_secret = vault_secret_address();
  for (int k = 0; k < 15; k++) if (bh_index_pkru[k] == bulkhead_domain_pkru("vault")) { vault_idx = k; break; }
  uintptr_t in[16] = {0};
  in[1] = vault_idx;        /* "record": index */
  uintptr_t code; /* a raw code address (an attacker knows the binary), not the wrapper */
  __asm__("leaq steal(%%rip), %0" : "=r"(code));
  in[10] = code; /* after index, cookie, old slot, 6 registers */
  uintptr_t buf = vault_process((const char *)in, sizeof in);
  fake_rsp = buf + 8;
  fflush(stdout);
  shared[0] = 3, shared[1] = 1, shared[2] = 4, shared[3] = 2;
  pid_t pid = fork();
  CHECK(pid >= 0);
  if (pid == 0) {
    armed = 1;
    parser_sort(app_cmp);
    printf("attack failed: sorted normally\n");
    _exit(0);
  }
  int status;
  CHECK(waitpid(pid, &status, 0) == pid);
  CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGILL);
  printf("attack trapped (SIGILL)\n");
  return 0;
}
