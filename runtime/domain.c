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
