/* domain.c - which domain the running thread is in, read from PKRU. The
 * answer cannot be forged: only a gate can install a domain's PKRU. */
#include "gate.h"
#include "internal.h"

const struct bulkhead_domain *bh_current_domain(void) {
  if (bh_state->unprotected || bh_domain_count() == 0)
    return &__bulkhead_domain0;
  uint32_t pkru = bh_rdpkru();
  for (const struct bulkhead_domain *d = __start_bulkhead_domains;
       d < __stop_bulkhead_domains; d++)
    if (d->pkru == pkru)
      return d;
  return &__bulkhead_domain0;
}
