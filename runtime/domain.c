/* domain.c - which domain a PKRU value belongs to. Applied to the running
 * thread's PKRU, the answer cannot be forged: only a gate can install a
 * domain's PKRU. */
#include "gate.h"
#include "internal.h"

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

int bh_in_compartment_memory(const void *p) {
  return bh_compartment_of(p, NULL) >= 0;
}
