/* The worst case for gadget-free constants (bench/gadgets/run.sh): a hot
 * loop whose multiplier and compare hold WRPKRU/XRSTOR bytes, so that both
 * are computed at run time (mov+rol) instead of being immediates. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

__attribute__((noinline)) static uint32_t mix(const uint32_t *p, size_t n) {
  uint32_t h = 0;
  for (size_t i = 0; i < n; i++) {
    h ^= p[i] * 0x2fae0fu; /* 0F AE 2F: XRSTOR (%rdi) */
    h = (h << 5) | (h >> 27);
    if (p[i] == 0xef010fu) /* 0F 01 EF: WRPKRU */
      h += 3;
  }
  return h;
}

int main(int argc, char **argv) {
  size_t n = 1 << 16;
  int reps = argc > 1 ? atoi(argv[1]) : 2000;
  uint32_t *p = malloc(n * sizeof *p), h = 0;
  if (!p)
    return 1;
  for (size_t i = 0; i < n; i++)
    p[i] = (uint32_t)(i * 2654435761u);
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  for (int r = 0; r < reps; r++) {
    h += mix(p, n);
    p[r & (n - 1)] ^= h; /* each call sees other data */
  }
  clock_gettime(CLOCK_MONOTONIC, &b);
  printf("%u %lld\n", h, (long long)(b.tv_sec - a.tv_sec) * 1000000000 + (b.tv_nsec - a.tv_nsec));
  return 0;
}
