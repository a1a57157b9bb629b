/* spawn.h - running library code that starts threads and processes with the
 * default domain's rights when a compartment asks for it (spawn.c). */
#ifndef BULKHEAD_SPAWN_H
#define BULKHEAD_SPAWN_H

#include "internal.h"

/* Two words of result: rax and rdx. */
struct bh_pair {
  long a, b;
};

/* fn(ctx) with the default domain's rights, called from compartment code
 * (the thread holds a compartment's rights): on the default domain's stack,
 * then back to the compartment found at entry, through the checked way
 * back of enter.c. fn must not touch the compartment's memory, and ctx
 * must be key-0 memory (bh_shared_block) or a plain value. */
struct bh_pair bh_as_default(struct bh_pair (*fn)(void *), void *ctx) BH_HIDDEN;

/* From compartment code: n bytes of the shared heap, checked to lie outside
 * every compartment (the block comes from the default domain), to copy
 * arguments into with the compartment's rights; NULL if out of memory.
 * The default-domain callee frees it. */
void *bh_shared_block(size_t n) BH_HIDDEN;

/* Whether [p, p + n) touches no compartment's memory. */
int bh_outside_compartments(const char *p, size_t n) BH_HIDDEN;

/* The shared heap with the default domain's rights, whoever calls
 * (shared-heap.c); as mi_malloc and friends otherwise. */
void *bh_shared_malloc(size_t n) BH_HIDDEN;
void *bh_shared_calloc(size_t k, size_t n) BH_HIDDEN;
void *bh_shared_realloc(void *p, size_t n) BH_HIDDEN;
void *bh_shared_aligned(size_t align, size_t n) BH_HIDDEN;
void bh_shared_free(void *p) BH_HIDDEN;
size_t bh_shared_usable_size(void *p) BH_HIDDEN;

/* Whether the caller holds a compartment's rights. */
static inline int bh_in_compartment(void) {
  return bh_current_compartment() >= 0;
}

#endif
