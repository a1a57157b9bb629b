/* domain.c - which domain the running thread is in, read from PKRU. The
 * answer cannot be forged: only a gate can install a domain's PKRU. */
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

const struct bulkhead_domain *bh_current_domain(void) {
  if (bh_state->unprotected || bh_domain_count() == 0)
    return &__bulkhead_domain0;
  const struct bulkhead_domain *d = bh_domain_of_pkru(bh_rdpkru());
  return d ? d : &__bulkhead_domain0;
}
