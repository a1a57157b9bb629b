/* domain.c - the table of compartments, and which domain a PKRU value or
 * an address belongs to. Applied to the running thread's PKRU, the answer
 * cannot be forged: only a gate can install a domain's PKRU. */
#define _GNU_SOURCE
#include "gate.h"
#include "internal.h"

#include <link.h>
#include <sys/mman.h>

/* The compartment descriptors the pass emitted, one page each; read only
 * here, to fill the table. */
extern struct bulkhead_domain __start_bulkhead_domains[] __attribute__((weak))
BH_HIDDEN;
extern struct bulkhead_domain __stop_bulkhead_domains[] __attribute__((weak))
BH_HIDDEN;

/* Key-0 memory of the executable until bh_domain_table_init makes it
 * read-only, at the start of start-up, before any code of the program or
 * of its libraries' constructors; the system-call filter then refuses an
 * mprotect of the executable's pages (threat-model.md, "Runtime state"). */
union bh_domain_table_page bh_domain_table
    __attribute__((aligned(BH_PAGE))) = {.t = {.count = 0}};

void bh_domain_table_init(void) {
  size_t n = (size_t)(__stop_bulkhead_domains - __start_bulkhead_domains);
  if (n > BH_DOMAIN_TABLE_MAX)
    bh_fatal("the program has %zu compartments, but a process has at most %d "
             "protection keys; merge compartments so that at most %d remain",
             n, BH_MAX_COMPARTMENTS, BH_MAX_COMPARTMENTS);
  for (size_t i = 0; i < n; i++) {
    bh_domain_table.t.domain[i] = &__start_bulkhead_domains[i];
    bh_domain_table.t.object[i] = NULL; /* the executable */
  }
  __atomic_store_n(&bh_domain_table.t.count, n, __ATOMIC_RELAXED);
  if (mprotect(&bh_domain_table, sizeof bh_domain_table, PROT_READ))
    bh_fatal("cannot make the table of compartments read-only");
}

const struct bulkhead_domain *bh_domain_of_pkru(uint32_t pkru) {
  if (pkru == __bulkhead_domain0.pkru)
    return &__bulkhead_domain0;
  const struct bulkhead_domain *d;
  bh_for_each_domain(i, d) {
    if (d->pkru == pkru)
      return d;
  }
  return NULL;
}

/* Which compartment's memory holds p: its data, its stacks' arena or its
 * heap; the kind through *what (NULL: not wanted). -1 if none. For choices
 * made from key-0 values, which any domain can set, and for reports. */
int bh_compartment_of(const void *p, const char **what) {
  const char *c = p;
  const struct bulkhead_domain *d;
  bh_for_each_domain(i, d) {
    const char *kind = NULL;
    if (c >= d->data_start && c < d->data_end)
      kind = "data";
    else if (c >= d->stack_lo - BH_ARENA_GUARD && c <= d->stack_hi)
      kind = "stack";
    if (kind) {
      if (what)
        *what = kind;
      return (int)i;
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
  const struct bulkhead_domain *d;
  bh_for_each_domain(i, d) {
    if (overlaps(a, b, (uintptr_t)d->data_start, (uintptr_t)d->data_end) ||
        overlaps(a, b, (uintptr_t)d->stack_lo - BH_ARENA_GUARD,
                 (uintptr_t)d->stack_hi))
      return 1;
  }
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
