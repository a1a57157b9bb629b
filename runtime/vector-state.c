/* vector-state.c - how much vector state a scrub clears when control leaves
 * a compartment (BH_DOMAIN_VECTOR_STATE, include/bulkhead/abi.h): the
 * widest the CPU has and the kernel enabled in XCR0. */
#include "internal.h"

#include <cpuid.h>

#define XCR0_SSE_AVX 0x6u         /* XMM and YMM_Hi128 */
#define XCR0_AVX512 0xe0u         /* opmask, ZMM_Hi256 and Hi16_ZMM */
#define CPUID1_OSXSAVE (1u << 27) /* ecx */
#define CPUID1_AVX (1u << 28)     /* ecx */
#define CPUID7_AVX512F (1u << 16) /* ebx */

uint32_t bh_vector_state(void) {
  unsigned a, b, c, d;
  if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & CPUID1_OSXSAVE) ||
      !(c & CPUID1_AVX))
    return 0;
  uint32_t xcr0, xcr0_hi;
  __asm__("xgetbv" : "=a"(xcr0), "=d"(xcr0_hi) : "c"(0));
  if ((xcr0 & XCR0_SSE_AVX) != XCR0_SSE_AVX)
    return 0;
  uint32_t state = BH_VECTOR_AVX;
  if (__get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & CPUID7_AVX512F) &&
      (xcr0 & XCR0_AVX512) == XCR0_AVX512)
    state |= BH_VECTOR_AVX512;
  return state;
}
