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

/* Whether p lies in memory of some compartment: its data, its stacks'
 * arena or its heap. For choices made from key-0 values, which any domain
 * can set. */
int bh_in_compartment_memory(const void *p) {
  const char *c = p;
  for (const struct bulkhead_domain *d = __start_bulkhead_domains;
       d < __stop_bulkhead_domains; d++)
    if ((c >= d->data_start && c < d->data_end) ||
        (c >= d->stack_lo - BH_ARENA_GUARD && c <= d->stack_hi))
      return 1;
  return bh_heap_owner(p) >= 0;
}
