/* exception-header.h - where model A finds a C++ exception in flight: the
 * libstdc++ header in key-0 memory whose exception class reads "GNUCC++\0"
 * and whose catchTemp word, once the search phase has run, is a landing
 * pad in the executable's code (the vault's catch). The unwind header's
 * words lie above it. C++ only; include after key0-words.h. */
#ifndef EXCEPTION_HEADER_H
#define EXCEPTION_HEADER_H
#include <stdint.h>

extern "C" char __executable_start[], etext[];

/* The catchTemp word of such a header; NULL if none yet. */
static uintptr_t *find_landing_pad(void) {
  struct key0_region r[512];
  int k = key0_regions(r, 512);
  for (int i = 0; i < k; i++)
    for (uintptr_t *w = r[i].lo + 2; w < r[i].hi; w++)
      if (*w == 0x474e5543432b2b00ull && /* "GNUCC++\0" */
          w[-2] > (uintptr_t)__executable_start && w[-2] < (uintptr_t)etext)
        return w - 2;
  return NULL;
}
#endif
