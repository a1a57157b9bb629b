/*
 * shared-heap.c - the shared heap (libmimalloc as linked), used with the
 * default domain's rights whoever asks.
 *
 * Its bookkeeping (free lists, page and segment headers, the per-thread
 * default heap) is key-0 memory. Run with a compartment's rights, the
 * allocator would follow pointers the default domain can set with those
 * rights, and read or write the compartment's memory where they lead: a
 * free list through the vault's data made strdup copy its key into key-0
 * memory (review 3, attacks-review3-shared-alloc-rights.c and
 * attacks-review3-shared-free-rights.c). So a caller holding a
 * compartment's rights reaches it through bh_as_default (spawn.c): with
 * the default domain's rights, on a key-0 stack. Arguments are plain
 * values or sit in this thread's key-0 record, which another thread may
 * change: a block handed back to the compartment is checked to lie outside
 * every compartment for the size the compartment asked for.
 */
#define _GNU_SOURCE
#include "internal.h"
#include "spawn.h"

#include <mimalloc.h>

static struct bh_pair as_default_malloc(void *n) {
  return (struct bh_pair){(long)mi_malloc((size_t)n), 0};
}
static struct bh_pair as_default_zalloc(void *n) {
  return (struct bh_pair){(long)mi_zalloc((size_t)n), 0};
}
static struct bh_pair as_default_free(void *p) {
  mi_free(p);
  return (struct bh_pair){0, 0};
}
static struct bh_pair as_default_usable_size(void *p) {
  return (struct bh_pair){(long)mi_usable_size(p), 0};
}

/* Two-word arguments: this thread's record (key-0). */
static __thread struct {
  void *p;
  size_t n, align;
} args;
static struct bh_pair as_default_realloc(void *unused) {
  (void)unused;
  return (struct bh_pair){(long)mi_realloc(args.p, args.n), 0};
}
static struct bh_pair as_default_aligned(void *unused) {
  (void)unused;
  return (struct bh_pair){(long)mi_malloc_aligned(args.n, args.align), 0};
}

static void *checked(long block, size_t n) {
  void *p = (void *)block;
  if (p && !bh_outside_compartments(p, n ? n : 1))
    bh_fatal("the shared heap returned a compartment's memory");
  return p;
}

void *bh_shared_malloc(size_t n) {
  if (!bh_in_compartment())
    return mi_malloc(n);
  return checked(bh_as_default(as_default_malloc, (void *)n).a, n);
}

void *bh_shared_calloc(size_t k, size_t n) {
  size_t total;
  if (__builtin_mul_overflow(k, n, &total))
    return errno = ENOMEM, NULL;
  if (!bh_in_compartment())
    return mi_zalloc(total);
  return checked(bh_as_default(as_default_zalloc, (void *)total).a, total);
}

void *bh_shared_realloc(void *p, size_t n) {
  if (!bh_in_compartment())
    return mi_realloc(p, n);
  args.p = p, args.n = n;
  return checked(bh_as_default(as_default_realloc, NULL).a, n);
}

void *bh_shared_aligned(size_t align, size_t n) {
  if (!bh_in_compartment())
    return mi_malloc_aligned(n, align);
  args.n = n, args.align = align;
  void *p = checked(bh_as_default(as_default_aligned, NULL).a, n);
  if ((uintptr_t)p % align)
    bh_fatal("the shared heap returned a misaligned block");
  return p;
}

void bh_shared_free(void *p) {
  if (!bh_in_compartment())
    mi_free(p);
  else if (p)
    bh_as_default(as_default_free, p);
}

/* The size comes from key-0 bookkeeping too: compartment code may write
 * that many bytes (review 4, attacks-review4-usable-size.c). */
size_t bh_shared_usable_size(void *p) {
  if (!bh_in_compartment())
    return mi_usable_size(p);
  size_t n = (size_t)bh_as_default(as_default_usable_size, p).a;
  if (p && !bh_outside_compartments(p, n ? n : 1))
    bh_fatal("the shared heap's size of a block reaches a compartment's "
             "memory");
  return n;
}
