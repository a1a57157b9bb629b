/* domain.c - which domain a PKRU value belongs to. Applied to the running
 * thread's PKRU, the answer cannot be forged: only a gate can install a
 * domain's PKRU. */
#define _GNU_SOURCE
#include "gate.h"
#include "internal.h"

#include <link.h>

const struct bulkhead_domain *bh_domain_of_pkru(uint32_t pkru) {
  if (pkru == __bulkhead_domain0.pkru)
    return &__bulkhead_domain0;
  for (const struct bulkhead_domain *d = __start_bulkhead_domains;
       d < __stop_bulkhead_domains; d++)
    if (d->pkru == pkru)
      return d;
  return NULL;
}

/* Which compartment's memory holds p: its data, its stacks' arena or its
 * heap; the kind through *what (NULL: not wanted). -1 if none. For choices
 * made from key-0 values, which any domain can set, and for reports. */
int bh_compartment_of(const void *p, const char **what) {
  const char *c = p;
  for (const struct bulkhead_domain *d = __start_bulkhead_domains;
       d < __stop_bulkhead_domains; d++) {
    const char *kind = NULL;
    if (c >= d->data_start && c < d->data_end)
      kind = "data";
    else if (c >= d->stack_lo - BH_ARENA_GUARD && c <= d->stack_hi)
      kind = "stack";
    if (kind) {
      if (what)
        *what = kind;
      return (int)(d - __start_bulkhead_domains);
    }
  }
  if (what)
    *what = "heap";
  return bh_heap_owner(p);
}

static int overlaps(uintptr_t a, uintptr_t b, uintptr_t lo, uintptr_t hi) {
  return a < hi && lo < b;
}

static int holds_object(struct dl_phdr_info *info, size_t size, void *range) {
  (void)size;
  const uintptr_t *r = range;
  for (int j = 0; j < info->dlpi_phnum; j++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[j];
    uintptr_t lo = (info->dlpi_addr + ph->p_vaddr) & ~(uintptr_t)(BH_PAGE - 1);
    if (ph->p_type == PT_LOAD &&
        overlaps(r[0], r[1], lo, info->dlpi_addr + ph->p_vaddr + ph->p_memsz))
      return 1;
  }
  return 0;
}

int bh_overlaps_compartment(uintptr_t a, uintptr_t b) {
  for (const struct bulkhead_domain *d = __start_bulkhead_domains;
       d < __stop_bulkhead_domains; d++)
    if (overlaps(a, b, (uintptr_t)d->data_start, (uintptr_t)d->data_end) ||
        overlaps(a, b, (uintptr_t)d->stack_lo - BH_ARENA_GUARD,
                 (uintptr_t)d->stack_hi))
      return 1;
  return bh_heap_overlaps(a, b);
}

int bh_may_unmap(const void *p, size_t len) {
  uintptr_t a = (uintptr_t)p, b = a + len;
  if (b < a || a % BH_PAGE || bh_overlaps_compartment(a, b))
    return 0;
  uintptr_t range[2] = {a, b};
  return !dl_iterate_phdr(holds_object, range);
}

int bh_in_compartment_memory(const void *p) {
  return bh_compartment_of(p, NULL) >= 0;
}
