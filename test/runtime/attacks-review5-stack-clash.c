// Review 5 (attacker A): a compartment frame larger than the guard leaves
// the compartment's stack arena, and the default domain chooses where.
// Compiled code does not probe the stack (no -fstack-clash-protection), and
// the compartment's stack slot (`__bulkhead_stack.vault`, key-0 TLS) is
// checked only to lie in its arena and be 16-aligned ("another depth of its
// own", threat model). The default domain points it just above stack 0's
// guard page; below that are 4 KiB of stack guard, the 64 KiB leading guard
// of the arena (the cookie page at its bottom), and then whatever the
// kernel mapped below the arena: in the guest, key-0 read/write memory.
// A vault entry that MACs the caller's message over key || message in a
// 128 KiB local buffer (no stack probes: one `sub rsp`) then has the start
// of that buffer, holding its key, in key-0 memory; the default domain
// reads the key there after the call. With a policy the same steering
// writes the share records instead (attacks-review5-share-records-clash.c).
// Any compartment function with a frame above about 68 KiB (a VLA or
// alloca sized by the caller too, not tried) can be steered so; 48 KiB
// reach the share records. Reproduced in the QEMU guest.
// Fixed: the pass makes every function of a module built with
// per-compartment stacks probe its frame a page at a time
// (pass/Stacks.cpp probeStackFrames, clang's -fstack-clash-protection);
// the frame faults in the guard.
// Built without the system-call filter: a hardened program reserves the
// stack arenas of keys it may give later next to its own (PROT_NONE), so
// nothing key-0 lies below the arena there; the layout this attack needs
// is the unfiltered one, and the defence (stack probes) is the pass's.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-syscall-filter -O2 %s -o %t
// RUN: %run %t | FileCheck %s
// CHECK: layout ok
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: attacks-review5-stack-clash: ok
#include "Inputs/tls-words.h"


#define KEY "the vault's MAC key 0123456789a"
BULKHEAD_DATA(vault) static unsigned char key[32] = KEY;

BULKHEAD_INTERNAL(vault) __attribute__((noinline)) static unsigned
sum(const unsigned char *p, size_t n) {
  unsigned s = 0;
  for (size_t k = 0; k < n; k++)
    s = s * 31 + p[k];
  return s;
}

/* A toy MAC over key || message, built in one private buffer. */
BULKHEAD_ENTRY(vault) unsigned vault_mac(const unsigned char *in, size_t len) {
  unsigned char buf[131072];
  if (len > sizeof buf - sizeof key)
    return 0;
  memcpy(buf, key, sizeof key);
  memcpy(buf + sizeof key, in, len);
  return sum(buf, sizeof key + len);
}

/* ------------------------------------------------- the default domain */


#define STACK_SIZE 1048576
#define ARENA_GUARD 65536
#define PAGE 4096

/* Whether [lo, hi) is mapped read/write on key 0 (smaps). */
static int key0_rw(uintptr_t lo, uintptr_t hi) {
  FILE *f = fopen("/proc/self/smaps", "r");
  CHECK(f);
  char line[512];
  int in = 0, ok = 0;
  while (fgets(line, sizeof line, f)) {
    unsigned long a, b;
    char perms[8];
    if (sscanf(line, "%lx-%lx %7s", &a, &b, perms) == 3 &&
        strchr(line, '-') < strchr(line, ' ')) {
      in = a <= lo && hi <= b && perms[0] == 'r' && perms[1] == 'w';
      continue;
    }
    int k;
    if (in && sscanf(line, "ProtectionKey: %d", &k) == 1)
      ok = k == 0;
  }
  fclose(f);
  return ok;
}

static int attack(void) {
  int vault_key = bulkhead_compartment_pkey("vault");
  CHECK(vault_key > 0);
  static unsigned char msg[16] = "attacker-marker";
  unsigned want = vault_mac(msg, sizeof msg); /* takes stack 0 */

  uintptr_t *slot = tls_word("__bulkhead_stack.vault");
  /* The fresh slot is stack 0's end less its header (BH_STACK_HEADER). */
  uintptr_t top = *slot, stack_lo = top + 64 - STACK_SIZE;
  uintptr_t arena = stack_lo - ARENA_GUARD;
  /* The vault's stack starts 2 KiB above stack 0's guard page: its 128 KiB
   * buffer starts about 58 KiB below the arena (LLVM 19 -O2: 60 KiB - 2 KiB
   * + 48 bytes). The message follows the key in it: found by a search. */
  uintptr_t start = stack_lo + PAGE + 2048, lo = arena - ARENA_GUARD;
  if (!key0_rw(lo, arena) || page_pkey((void *)arena) != vault_key) {
    printf("layout mismatch: no key-0 read/write memory below the arena at "
           "%#lx\n",
           (unsigned long)arena);
    return 1;
  }
  printf("layout ok\n");
  fflush(stdout);
  *slot = start;
  unsigned got = vault_mac(msg, sizeof msg);
  *slot = top;
  for (uintptr_t p = lo + 32; p + sizeof msg <= arena; p += 16) {
    if (memcmp((void *)p, msg, sizeof msg))
      continue;
    char stolen[33] = {0};
    memcpy(stolen, (void *)(p - 32), 32);
    printf("ATTACK SUCCEEDED: the vault's buffer at %#lx, below its arena, "
           "in key-0 memory, begins with \"%s\" (MAC %s)\n",
           (unsigned long)(p - 32), stolen, got == want ? "right" : "wrong");
    return 1;
  }
  printf("attack failed: the vault's buffer is not below its arena (MAC %s)\n",
         got == want ? "right" : "wrong");
  return 0;
}

int main(void) {
  int r = attack_in_child("attacks-review5-stack-clash", attack);
  if (r == 0)
    printf("attacks-review5-stack-clash: ok\n");
  return r;
}
