/* gate.h - the runtime's own checked gate into the default domain: the
 * contract's one gate text (include/bulkhead/abi.h), listed in the same
 * manifest as the pass's. */
#ifndef BULKHEAD_RUNTIME_GATE_H
#define BULKHEAD_RUNTIME_GATE_H

#include "../include/bulkhead/abi.h"

static inline void bh_enter_default_domain(void) {
  /* Extended asm: "%" is written "%%". */
  __asm__ volatile(BH_CHECKED_GATE("$", "%%", BH_SYM_DOMAIN0)::
                       : "eax", "ecx", "edx", "memory", "cc");
}

static inline unsigned bh_rdpkru(void) {
  unsigned eax, edx;
#ifdef BH_BENCH_NOP_WRPKRU
  /* All of rcx 0: the bench-only stand-in addresses %gs:(%rcx). */
  __asm__ volatile(BH_RDPKRU : "=a"(eax), "=d"(edx) : "c"(0ul));
#else
  __asm__ volatile("rdpkru" : "=a"(eax), "=d"(edx) : "c"(0));
#endif
  return eax;
}

#endif
