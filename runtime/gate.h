/* gate.h - the runtime's own checked gate into the default domain: the same
 * sequence the pass emits (pass/Gate.h), listed in the same manifest. */
#ifndef BULKHEAD_RUNTIME_GATE_H
#define BULKHEAD_RUNTIME_GATE_H

#include "abi.h"

static inline void bh_enter_default_domain(void) {
  __asm__ volatile("cmpl $0, " BULKHEAD_ENFORCED "(%%rip)\n\t"
                   "je 2f\n\t" /* nothing protected: no WRPKRU (no PKU) */
                   "xorl %%ecx, %%ecx\n\t"
                   "xorl %%edx, %%edx\n\t"
                   "movl __bulkhead_domain0(%%rip), %%eax\n\t"
                   "1: wrpkru\n\t"
                   "cmpl __bulkhead_domain0(%%rip), %%eax\n\t"
                   "je 2f\n\t"
                   "ud2\n"
                   "2:\n\t"
                   ".pushsection .bulkhead.gates,\"R\",@progbits\n\t"
                   ".quad 1b\n\t"
                   ".popsection"
                   ::: "eax", "ecx", "edx", "memory", "cc");
}

static inline unsigned bh_rdpkru(void) {
  unsigned eax, edx;
  __asm__ volatile("rdpkru" : "=a"(eax), "=d"(edx) : "c"(0));
  return eax;
}

#endif
