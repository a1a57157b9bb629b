// Review 5 (attacker A): the sharing-policy records (runtime/share.c) sit
// in the leading guard of the compartment's stack arena, made read/write
// on its key: [stack_lo - 60 KiB, stack_lo - 44 KiB). Below stack 0's
// lowest usable byte there are only 48 KiB of PROT_NONE guard before them,
// and compiled code does not probe the stack. The compartment's stack slot
// (`__bulkhead_stack.vault`, key-0 TLS) is checked only to lie in the arena
// and be 16-aligned, so the default domain can point it just above stack
// 0's guard page. A vault entry with a 64 KiB local buffer, which copies
// the caller's input into it before checking it (so the caller cannot
// change it under the check), then writes the input into the records, with
// the vault's rights. The input is a forged record for this thread (its FS
// base, its thread id, one open bracket whose frame is at ~0, never
// dropped), at each of the 10 16-byte phases; the key-0 hint names the
// record. From then on the vault's ordinary allocations come from the
// shared heap, and the default domain reads the vault's secret from the
// vault's own malloc'd copy of it. Before the records existed the guard was
// all PROT_NONE (or read-only cookie), and such a frame faulted.
// Reproduced in the QEMU guest (phase 112 with LLVM 19 -O2: the buffer
// starts 1728 bytes into the table). A VLA or alloca sized by the
// caller should do the same (not tried). The attack runs in a child: a
// fix that leaves the frame to fault in the guard passes too. Fixed so:
// every function probes its frame page by page (pass/Stacks.cpp).
// REQUIRES: pku
// RUN: rm -rf %t && mkdir -p %t
// RUN: echo "vault_with_callback" > %t/policy
// RUN: %bulkhead_clang -fpkey-compartments -fpkey-share=%t/policy -O2 %s -o %t/a
// RUN: %run %t/a | FileCheck %s
// CHECK: layout ok
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: attacks-review5-share-records-clash: ok
#include "Inputs/tls-words.h"

#include <pthread.h>
#include <sys/syscall.h>

#define SECRET "the vault's secret 0123456789"
BULKHEAD_DATA(vault) static char secret[32] = SECRET;

BULKHEAD_ENTRY(vault) char *vault_copy(void) {
  char *p = malloc(sizeof secret);
  if (p)
    memcpy(p, secret, sizeof secret);
  return p;
}

/* Named by the policy (never called here): the vault is built with one. */
BULKHEAD_ENTRY(vault) void vault_with_callback(void (*cb)(void)) { cb(); }

BULKHEAD_INTERNAL(vault) __attribute__((noinline)) static unsigned
sum(const unsigned char *p, size_t n) {
  unsigned s = 0;
  for (size_t k = 0; k < n; k++)
    s = s * 31 + p[k];
  return s;
}

/* Checks the caller's message on a private copy: the caller could change
 * its own memory while the vault reads it. */
BULKHEAD_ENTRY(vault) unsigned vault_checksum(const unsigned char *in,
                                              size_t len) {
  unsigned char buf[65536];
  if (len > sizeof buf)
    return 0;
  memcpy(buf, in, len);
  return sum(buf, len);
}

/* ------------------------------------------------- the default domain */


/* runtime/share.c's record, and abi.h's arena layout. */
struct rec {
  uintptr_t fs;
  uint64_t tid, n, seen, jumps;
  uintptr_t jump_to[8];
  uintptr_t sp[8], outer[8];
};
#define STACK_SIZE 1048576
#define ARENA_GUARD 65536
#define PAGE 4096
#define HINT_RECORD 30 /* inside the copy whichever the phase */

static int attack(void) {
  int vault_key = bulkhead_compartment_pkey("vault");
  CHECK(vault_key > 0);
  char *first = vault_copy(); /* this thread takes the vault's stack 0 */
  CHECK(first && page_pkey(first) == vault_key);

  uintptr_t *slot = tls_word("__bulkhead_stack.vault");
  /* stack 0's fresh top: stack_lo + 1 MiB, less the header */
  uintptr_t top = *slot;
  uintptr_t stack_lo = top + 64 - STACK_SIZE;
  uintptr_t table = stack_lo - ARENA_GUARD + PAGE;
  if (page_pkey((void *)table) != vault_key ||
      page_pkey((void *)(stack_lo + PAGE)) != vault_key) {
    printf("layout mismatch: no share records at %#lx\n", (unsigned long)table);
    return 1;
  }
  printf("layout ok\n");
  fflush(stdout);

  /* The record to write: this thread's, one bracket open at ~0. */
  struct rec r;
  memset(&r, 0, sizeof r);
  r.fs = (uintptr_t)pthread_self(); /* the TCB's address: the FS base */
  r.tid = (uint64_t)syscall(SYS_gettid); /* also in key-0 struct pthread */
  r.n = 1;
  r.seen = r.jumps = 0; /* the longjmp log, in the record */
  r.sp[0] = ~(uintptr_t)0;
  r.outer[0] = ~(uintptr_t)0;

  static unsigned char in[8000];
  for (int phase = 0; phase < (int)sizeof r; phase += 16) {
    for (size_t k = 0; k < sizeof in; k++)
      in[k] = ((unsigned char *)&r)[(k + (size_t)phase) % sizeof r];
    /* The vault's stack starts 1.75 KiB above stack 0's guard page: its
     * 64 KiB buffer begins around record 10 of the table. */
    *slot = stack_lo + PAGE + 1792;
    unsigned s = vault_checksum(in, sizeof in);
    *slot = top;
    tls_word("bh_share_hint")[0] = HINT_RECORD + 1;
    char *q = vault_copy();
    CHECK(q);
    if (page_pkey(q) != vault_key) {
      char stolen[33] = {0};
      for (int k = 0; k < 32; k++)
        stolen[k] = ((volatile char *)q)[k];
      printf("ATTACK SUCCEEDED (phase %d, checksum %#x): the vault's block "
             "%p is on key %d and reads \"%s\"\n",
             phase, s, (void *)q, page_pkey(q), stolen);
      return 1;
    }
  }
  printf("attack failed: the vault's blocks stayed on its key\n");
  return 0;
}

int main(void) {
  int r = attack_in_child("attacks-review5-share-records-clash", attack);
  if (r == 0)
    printf("attacks-review5-share-records-clash: ok\n");
  return r;
}
