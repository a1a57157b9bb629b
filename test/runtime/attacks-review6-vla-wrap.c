// Review 6 (attacker A): a compartment's variable-length array sized by
// its caller jumps over the stack probes when the size wraps. With
// per-compartment stacks every function probes its frame a page at a time
// (pass/Stacks.cpp probeStackFrames, "probe-stack"="inline-asm"); for a VLA
// or alloca LLVM computes the new stack pointer as rsp - size and probes
// only while that is below rsp (a signed compare). A size larger than rsp
// wraps: the new stack pointer lies above the old one, no probe runs, and
// the frame, and the compartment's frames below it, are wherever the
// caller chose above the compartment's stack. The vault here formats
// key || message into a scratch buffer the size of the caller's output
// buffer (char tmp[n]) and hands out only a hash of it; the default domain
// passes n = (the vault's stack top, from its key-0 TLS slot) - (an address
// in a buffer on its own stack), and after the call reads the vault's key
// there. Without probes (before review 5) the same n did the same; the
// probes never looked at the size. Reproduced in the QEMU guest.
// Fixed: code that may run on a compartment's stack traps on a dynamic
// allocation larger than a whole stack (BH_STACK_SIZE) before the probe
// (pass/Stacks.cpp boundDynamicAllocas); before, the key was read here.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t | FileCheck %s
// CHECK: hash of a short output
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: stopped by the bound on a dynamic allocation
// CHECK: attacks-review6-vla-wrap: ok
#include "Inputs/tls-words.h"

#define KEY "the vault's MAC key 0123456789a"
BULKHEAD_DATA(vault) static char key[32] = KEY;

BULKHEAD_INTERNAL(vault) __attribute__((noinline)) static unsigned
sum(const char *p, size_t n) {
  unsigned s = 0;
  for (size_t k = 0; k < n; k++)
    s = s * 31 + (unsigned char)p[k];
  return s;
}

/* Writes the MAC of msg (a hash of key || msg) as hex into out[0..n),
 * building key || msg in scratch space the size of the caller's buffer. */
BULKHEAD_ENTRY(vault) int vault_mac_hex(const char *msg, char *out, size_t n) {
  if (n < 9)
    return -1;
  char tmp[n];
  int k = snprintf(tmp, n, "%s%s", key, msg);
  if (k < 0)
    return -1;
  unsigned h = sum(tmp, (size_t)k < n ? (size_t)k : n - 1);
  snprintf(out, 9, "%08x", h);
  return 0;
}

/* ------------------------------------------------- the default domain */

static int attack(void) {
  static const char msg[] = "attacker-marker";
  char out[16];
  if (vault_mac_hex(msg, out, sizeof out)) /* takes the vault's stack */
    return 1;
  printf("hash of a short output: %s\n", out);
  fflush(stdout);
  /* A landing zone on this thread's own (key-0) stack, far above the
   * vault's arena. */
  static volatile char *keep;
  char zone[131072];
  memset(zone, 0, sizeof zone);
  keep = zone;
  uintptr_t top = *tls_word("__bulkhead_stack.vault");
  uintptr_t target = (uintptr_t)zone + sizeof zone / 2;
  size_t n = (size_t)(top - target); /* wraps: above the vault's stack */
  int r = vault_mac_hex(msg, out, n);
  for (size_t p = 0; p + sizeof KEY <= sizeof zone; p++) {
    if (memcmp(zone + p, KEY, sizeof KEY - 1))
      continue;
    printf("ATTACK SUCCEEDED: the vault's scratch buffer, at %p on the "
           "default domain's stack, holds \"%.31s\" (call returned %d)\n",
           (void *)(zone + p), zone + p, r);
    return 1;
  }
  printf("attack failed: the vault's key is not in the zone (call returned "
         "%d)\n",
         r);
  return 0;
}

/* The bound traps (ud2, SIGILL) in the vault before its stack pointer
 * moves; a protection-key fault (SIGSEGV) would do as well. */
int main(void) {
  fflush(NULL);
  pid_t pid = fork();
  CHECK(pid >= 0);
  if (pid == 0)
    exit(attack());
  int st;
  CHECK(waitpid(pid, &st, 0) == pid);
  if (WIFSIGNALED(st) && WTERMSIG(st) == SIGILL)
    printf("stopped by the bound on a dynamic allocation\n");
  else if (!(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV))
    return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
  printf("attacks-review6-vla-wrap: ok\n");
  return 0;
}
