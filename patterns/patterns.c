/* patterns.c - find WRPKRU / XRSTOR / XRSTORS byte patterns at every
 * offset (patterns.h).
 *
 * This is the hot loop: it sees every executable byte. All three patterns
 * start with 0F followed by 01, AE or C7, a pair that is rare in real code,
 * so a 16-byte SIMD filter for that pair discards nearly everything and only
 * the few candidates get the exact check. Built into the runtime too: no
 * constant here may itself hold a pattern's bytes (the link-time scan of
 * every program would find it). */
#include "patterns.h"

#include "../include/bulkhead/abi.h"

#include <string.h>
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

const char *bh_pattern_name(int k) {
  switch (k) {
  case BH_PAT_WRPKRU:
    return "WRPKRU";
  case BH_PAT_XRSTOR:
    return "XRSTOR";
  case BH_PAT_XRSTORS:
    return "XRSTORS";
  }
  return "?";
}

int bh_pattern_at(const uint8_t *p) {
  if (p[0] != 0x0F)
    return -1;
  uint8_t op = p[1], modrm = p[2];
  int mem = (modrm >> 6) != 3; /* register forms are other instructions */
  int reg = (modrm >> 3) & 7;
  if (op == 0x01 && modrm == 0xEF)
    return BH_PAT_WRPKRU;
  if (op == 0xAE && reg == 5 && mem) /* 0F AE E8-EF is LFENCE */
    return BH_PAT_XRSTOR;
  if (op == 0xC7 && reg == 3 && mem)
    return BH_PAT_XRSTORS;
  return -1;
}

static int check(const uint8_t *p, size_t i, bh_pattern_fn fn, void *ctx) {
  int k = bh_pattern_at(p + i);
  return k >= 0 ? fn(ctx, i, k) : 0;
}

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
/* The same filter 32 bytes at a time, for CPUs with AVX2 (checked at run
 * time). Returns the offset where the SSE2/scalar loop should go on. */
__attribute__((target("avx2"))) static size_t
search_avx2(const uint8_t *p, size_t len, bh_pattern_fn fn, void *ctx,
            int *stop) {
  size_t i = 0, last = len - BH_PATTERN_LEN;
  const __m256i f0 = _mm256_set1_epi8(0x0F), b01 = _mm256_set1_epi8(0x01),
                bae = _mm256_set1_epi8((char)0xAE),
                bc7 = _mm256_set1_epi8((char)0xC7);
  for (; i + 33 <= len; i += 32) {
    __m256i a = _mm256_loadu_si256((const __m256i *)(p + i));
    __m256i b = _mm256_loadu_si256((const __m256i *)(p + i + 1));
    __m256i second = _mm256_or_si256(
        _mm256_or_si256(_mm256_cmpeq_epi8(b, b01), _mm256_cmpeq_epi8(b, bae)),
        _mm256_cmpeq_epi8(b, bc7));
    unsigned m = (unsigned)_mm256_movemask_epi8(
        _mm256_and_si256(_mm256_cmpeq_epi8(a, f0), second));
    while (m) {
      size_t j = i + (size_t)__builtin_ctz(m);
      m &= m - 1;
      if (j <= last && (*stop = check(p, j, fn, ctx)) != 0)
        return len;
    }
  }
  return i;
}
#define HAVE_AVX2_PATH 1
#endif

int bh_pattern_search(const uint8_t *p, size_t len, bh_pattern_fn fn,
                      void *ctx) {
  size_t i = 0;
  if (len < BH_PATTERN_LEN)
    return 0;
  size_t last = len - BH_PATTERN_LEN; /* last offset a match can start at */
#ifdef HAVE_AVX2_PATH
  __builtin_cpu_init(); /* the runtime may search before constructors */
  if (__builtin_cpu_supports("avx2")) {
    int stop = 0;
    i = search_avx2(p, len, fn, ctx, &stop);
    if (stop)
      return stop;
  }
#endif
#ifdef __SSE2__
  const __m128i f0 = _mm_set1_epi8(0x0F), b01 = _mm_set1_epi8(0x01),
                bae = _mm_set1_epi8((char)0xAE),
                bc7 = _mm_set1_epi8((char)0xC7);
  /* Each step looks at bytes i..i+16, so stop 17 short of the end. */
  for (; i + 17 <= len; i += 16) {
    __m128i a = _mm_loadu_si128((const __m128i *)(p + i));
    __m128i b = _mm_loadu_si128((const __m128i *)(p + i + 1));
    __m128i second = _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(b, b01), _mm_cmpeq_epi8(b, bae)),
        _mm_cmpeq_epi8(b, bc7));
    unsigned m = (unsigned)_mm_movemask_epi8(
        _mm_and_si128(_mm_cmpeq_epi8(a, f0), second));
    while (m) {
      size_t j = i + (size_t)__builtin_ctz(m);
      m &= m - 1;
      if (j <= last) {
        int r = check(p, j, fn, ctx);
        if (r)
          return r;
      }
    }
  }
#endif
  /* Tail (and the whole buffer without SSE2): memchr for the 0F byte. */
  while (i <= last) {
    const uint8_t *q = memchr(p + i, 0x0F, last + 1 - i);
    if (!q)
      break;
    i = (size_t)(q - p);
    int r = check(p, i, fn, ctx);
    if (r)
      return r;
    i++;
  }
  return 0;
}

static int32_t le32s(const uint8_t *p) {
  return (int32_t)((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
                   (uint32_t)p[3] << 24);
}

const char *bh_gate_shape(const uint8_t *p) {
  if (p[-BH_GATE_LOAD_BEFORE] != 0x8B || p[-BH_GATE_LOAD_BEFORE + 1] != 0x05)
    return "no 'mov SYM(%rip),%eax' before the WRPKRU";
  if (p[BH_GATE_CHECK_AT] != 0x3B || p[BH_GATE_CHECK_AT + 1] != 0x05)
    return "no 'cmp SYM(%rip),%eax' after the WRPKRU";
  if (p[BH_GATE_JE_AT] != 0x74 || p[BH_GATE_JE_AT + 1] != 0x02 ||
      p[BH_GATE_UD2_AT] != 0x0F || p[BH_GATE_UD2_AT + 1] != 0x0B)
    return "no 'je' over 'ud2' after the check";
  return NULL;
}

/* The mov's next instruction is the WRPKRU (at p), the cmp's the je. */
int bh_gate_same_word(const uint8_t *p) {
  int64_t mov = le32s(p - 4), cmp = le32s(p + BH_GATE_CHECK_AT + 2);
  return mov == BH_GATE_JE_AT + cmp;
}

int bh_gate_check_word(const uint8_t *p, size_t avail, int64_t *word) {
  if (avail < BH_GATE_UD2_AT + 2 || p[BH_GATE_CHECK_AT] != 0x3B ||
      p[BH_GATE_CHECK_AT + 1] != 0x05 || p[BH_GATE_JE_AT] != 0x74 ||
      p[BH_GATE_JE_AT + 1] != 0x02 || p[BH_GATE_UD2_AT] != 0x0F ||
      p[BH_GATE_UD2_AT + 1] != 0x0B)
    return -1;
  /* rip-relative: from the end of the cmp, where the je begins */
  *word = BH_GATE_JE_AT + (int64_t)le32s(p + BH_GATE_CHECK_AT + 2);
  return 0;
}
