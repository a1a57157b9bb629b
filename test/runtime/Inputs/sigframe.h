/* sigframe.h - the PKRU that the kernel saved in a signal frame: the
 * interrupted code's rights, which sigreturn installs again. */
#ifndef BULKHEAD_TEST_SIGFRAME_H
#define BULKHEAD_TEST_SIGFRAME_H
#include <cpuid.h>
#include <stdint.h>
#include <string.h>
#include <ucontext.h>

/* Where PKRU sits in uc's XSAVE image (NULL if the frame has none). The
 * offset is CPUID.(EAX=0xD,ECX=9).EBX; XSTATE_BV (byte 512) bit 9 says the
 * component was saved. */
static inline uint32_t *frame_pkru_slot(void *ucv) {
  ucontext_t *uc = ucv;
  unsigned char *x = (unsigned char *)uc->uc_mcontext.fpregs;
  unsigned eax, ebx, ecx, edx;
  uint64_t bv;
  if (!x || !__get_cpuid_count(0xd, 9, &eax, &ebx, &ecx, &edx) || !ebx)
    return NULL;
  memcpy(&bv, x + 512, 8);
  return bv & (1u << 9) ? (uint32_t *)(x + ebx) : NULL;
}

static inline uint32_t frame_pkru(void *uc) {
  uint32_t *slot = frame_pkru_slot(uc);
  return slot ? *slot : 0xdeadbeef;
}
#endif
