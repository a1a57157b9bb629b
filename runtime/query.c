/* query.c - the run-time queries declared in bulkhead.h. */
#include "../include/bulkhead.h"
#include "internal.h"

#include <string.h>

static const struct bulkhead_domain *find(const char *name) {
  if (!name)
    return &__bulkhead_domain0;
  const struct bulkhead_domain *d;
  bh_for_each_domain(i, d) {
    if (!strcmp(d->name, name))
      return d;
  }
  return NULL;
}

int bulkhead_compartment_pkey(const char *name) {
  const struct bulkhead_domain *d = name ? find(name) : NULL;
  return d && !bh_state->unprotected ? d->pkey : -1;
}

uint32_t bulkhead_domain_pkru(const char *name) {
  const struct bulkhead_domain *d = find(name);
  return d ? d->pkru : 0;
}

const char *bulkhead_pkey_compartment(int pkey) {
  const struct bulkhead_domain *d;
  bh_for_each_domain(i, d) {
    if (d->pkey == pkey && pkey > 0)
      return d->name;
  }
  return NULL;
}

int bulkhead_unprotected(void) { return bh_state->unprotected; }
