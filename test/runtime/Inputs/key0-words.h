/* key0-words.h - what an attacker of model A (key-0 loads and stores only)
 * sees of the process: the writable mappings whose pages carry key 0, read
 * from /proc/self/smaps, and glibc's pointer mangling, whose guard is a
 * key-0 word too. Works in C and C++. */
#ifndef KEY0_WORDS_H
#define KEY0_WORDS_H
#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct key0_region {
  uintptr_t *lo, *hi;
};

/* Fills OUT with up to MAX key-0 writable mappings; how many. The stack is
 * left out: it holds dead copies of the words the attacks look for. */
static int key0_regions(struct key0_region *out, int max) {
  FILE *f = fopen("/proc/self/smaps", "r");
  char line[512];
  uintptr_t lo = 0, hi = 0;
  int rw = 0, n = 0, key;
  while (f && n < max && fgets(line, sizeof line, f)) {
    uintptr_t l, h;
    char perms[8];
    if (sscanf(line, "%lx-%lx %4s", &l, &h, perms) == 3) {
      lo = l, hi = h;
      rw = perms[0] == 'r' && perms[1] == 'w' && !strstr(line, "[stack]");
      continue;
    }
    if (sscanf(line, "ProtectionKey: %d", &key) == 1 && rw && !key) {
      out[n].lo = (uintptr_t *)lo;
      out[n++].hi = (uintptr_t *)hi;
    }
  }
  if (f)
    fclose(f);
  return n;
}

/* Replaces every key-0 writable word holding OLD by NEW (NEW 0: only
 * counts them); how many. */
static int key0_replace(uintptr_t old, uintptr_t now) {
  struct key0_region r[512];
  int n = 0, k = key0_regions(r, 512);
  for (int i = 0; i < k; i++)
    for (uintptr_t *w = r[i].lo; w < r[i].hi; w++)
      if (*w == old) {
        if (now)
          *w = now; /* the store that matters */
        n++;
      }
  return n;
}

/* glibc's PTR_MANGLE on x86-64: xor with the guard, rotate left 17. */
static uintptr_t glibc_mangle(uintptr_t p) {
  uintptr_t guard;
  __asm__("mov %%fs:0x30, %0" : "=r"(guard)); /* a key-0 load */
  p ^= guard;
  return p << 17 | p >> 47;
}
#endif
