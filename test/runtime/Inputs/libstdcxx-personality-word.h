/* libstdcxx-personality-word.h - for attacks through the word libstdc++'s
 * CIE names as its personality routine (key-0 .data of libstdc++.so):
 * find_word (for dl_iterate_phdr) finds it as a reader of the binary
 * would, and steal, the routine an attacker stores there, copies 31 bytes
 * from `from` (vault_key, which the includer defines first) to `to`
 * and goes on as libstdc++'s own. */
#ifndef BULKHEAD_TEST_LIBSTDCXX_PERSONALITY_WORD_H
#define BULKHEAD_TEST_LIBSTDCXX_PERSONALITY_WORD_H
#include <link.h>
#include <stdint.h>
#include <string.h>
#include <unwind.h>

extern "C" _Unwind_Reason_Code
__gxx_personality_v0(int, _Unwind_Action, uint64_t, _Unwind_Exception *,
                     _Unwind_Context *);

static char stolen[32];
static const char *volatile from = vault_key; /* key-0 words */
static char *volatile to = stolen;

extern "C" __attribute__((used)) _Unwind_Reason_Code
steal(int version, _Unwind_Action actions, uint64_t cls,
      _Unwind_Exception *ue, _Unwind_Context *ctx) {
  for (int i = 0; i < 31; i++)
    to[i] = from[i];
  return __gxx_personality_v0(version, actions, cls, ue, ctx);
}

static uint64_t uleb(const uint8_t **p) {
  uint64_t v = 0;
  for (unsigned s = 0;; s += 7) {
    uint8_t b = *(*p)++;
    v |= (uint64_t)(b & 0x7f) << s;
    if (!(b & 0x80))
      return v;
  }
}

/* The address of the word libstdc++'s CIE names as its personality. */
static int find_word(struct dl_phdr_info *info, size_t, void *out) {
  if (!strstr(info->dlpi_name, "libstdc++.so.6"))
    return 0;
  for (int i = 0; i < info->dlpi_phnum; i++) {
    if (info->dlpi_phdr[i].p_type != PT_GNU_EH_FRAME)
      continue;
    const uint8_t *hdr =
        (const uint8_t *)(info->dlpi_addr + info->dlpi_phdr[i].p_vaddr);
    if (hdr[1] != 0x1b) /* eh_frame_ptr: pcrel sdata4 */
      return 1;
    int32_t off;
    memcpy(&off, hdr + 4, 4);
    const uint8_t *e = hdr + 4 + off;
    for (uint32_t len; memcpy(&len, e, 4), len && len != 0xffffffff;
         e += 4 + len) {
      uint32_t id;
      memcpy(&id, e + 4, 4);
      const char *aug = (const char *)e + 9;
      if (id || aug[0] != 'z' || !strchr(aug, 'P'))
        continue;
      const uint8_t *p = (const uint8_t *)aug + strlen(aug) + 1;
      uleb(&p), uleb(&p), uleb(&p), uleb(&p); /* aligns, column, length */
      for (const char *a = aug + 1; *a != 'P'; a++)
        p++; /* 'L', 'R': one byte each */
      if (*p++ != 0x9b) /* indirect|pcrel|sdata4 */
        return 1;
      memcpy(&off, p, 4);
      *(void ***)out = (void **)(p + off);
      return 1;
    }
  }
  return 1;
}

#endif
