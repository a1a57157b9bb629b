/*
 * sort.c - qsort and qsort_r for compartments.
 *
 * glibc's qsort is a merge sort whose scratch copy of the array, for arrays
 * of 1 KiB or more, comes from malloc called inside libc: the heap gives
 * libc's own allocations the shared heap (heap.c), so a compartment's sorted
 * data sat in key-0 memory, during the sort and after it (issue 11, item 7).
 * Called with a compartment's rights, these sort with scratch space on the
 * caller's stack (small arrays) or from malloc called here, in the
 * executable, which is the compartment's heap. Same contract as glibc's:
 * stable while memory lasts (a merge sort), and the comparator only ever
 * sees elements of the caller's array. From the default domain, libc's.
 */
#define _GNU_SOURCE
#include "internal.h"

#include <stdlib.h>
#include <string.h>

typedef int (*cmp_r_fn)(const void *, const void *, void *);
typedef int (*cmp_fn)(const void *, const void *);

struct cmp {
  cmp_r_fn fn;
  void *arg;
};

/* Sorts the n elements at b, using tmp (n elements) as scratch: sorts each
 * half in place, merges both into tmp, copies the merged part back. */
static void merge_sort(char *b, size_t n, size_t size, const struct cmp *c,
                       char *tmp) {
  if (n < 2)
    return;
  size_t n1 = n / 2, n2 = n - n1;
  char *p1 = b, *p2 = b + n1 * size, *out = tmp;
  merge_sort(p1, n1, size, c, tmp);
  merge_sort(p2, n2, size, c, tmp);
  while (n1 && n2) {
    if (c->fn(p1, p2, c->arg) <= 0) { /* equal: the first half's first */
      memcpy(out, p1, size);
      p1 += size, n1--;
    } else {
      memcpy(out, p2, size);
      p2 += size, n2--;
    }
    out += size;
  }
  memcpy(out, p1, n1 * size);
  /* What is left of the second half is in place already. */
  memcpy(b, tmp, (n - n2) * size);
}

static void swap(char *a, char *b, size_t size) {
  while (size--) {
    char t = *a;
    *a++ = *b;
    *b++ = t;
  }
}

static void sift_down(char *b, size_t root, size_t end, size_t size,
                      const struct cmp *c) {
  for (size_t child; (child = 2 * root + 1) < end; root = child) {
    if (child + 1 < end &&
        c->fn(b + child * size, b + (child + 1) * size, c->arg) < 0)
      child++;
    if (c->fn(b + root * size, b + child * size, c->arg) >= 0)
      return;
    swap(b + root * size, b + child * size, size);
  }
}

/* Out of memory: an in-place heap sort (not stable, as glibc's fallback). */
static void heap_sort(char *b, size_t n, size_t size, const struct cmp *c) {
  if (n < 2)
    return;
  for (size_t i = n / 2; i-- > 0;)
    sift_down(b, i, n, size, c);
  for (size_t end = n; --end > 0;) {
    swap(b, b + end * size, size);
    sift_down(b, 0, end, size, c);
  }
}

static void sort(void *base, size_t n, size_t size, const struct cmp *c) {
  size_t total;
  if (n < 2 || !size || __builtin_mul_overflow(n, size, &total))
    return;
  char local[1024]; /* on the compartment's own stack */
  char *tmp = total <= sizeof local ? local : malloc(total);
  if (!tmp) {
    heap_sort(base, n, size, c);
    return;
  }
  merge_sort(base, n, size, c, tmp);
  if (tmp != local)
    free(tmp);
}

static int call_plain(const void *a, const void *b, void *fn) {
  return ((cmp_fn)fn)(a, b);
}

void qsort_r(void *base, size_t n, size_t size, cmp_r_fn fn, void *arg) {
  static void (*libc)(void *, size_t, size_t, cmp_r_fn, void *);
  if (bh_current_compartment() >= 0) {
    struct cmp c = {fn, arg};
    sort(base, n, size, &c);
    return;
  }
  if (!libc)
    libc = bh_libc("qsort_r");
  libc(base, n, size, fn, arg);
}

void qsort(void *base, size_t n, size_t size, cmp_fn fn) {
  static void (*libc)(void *, size_t, size_t, cmp_fn);
  if (bh_current_compartment() >= 0) {
    struct cmp c = {call_plain, (void *)fn};
    sort(base, n, size, &c);
    return;
  }
  if (!libc)
    libc = bh_libc("qsort");
  libc(base, n, size, fn);
}
