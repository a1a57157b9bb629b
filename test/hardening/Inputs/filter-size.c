/* Builds the seccomp filter (runtime/bpf.c) for 1 to BH_MAX_RANGES
 * protected ranges and prints for how many it fits: every conditional jump
 * must reach its target (255 instructions at most), the whole within the
 * kernel's 4096. Then whether it still fits, with every range, in three
 * quarters of that: room for rules to come. */
#include "syscalls.h"
#include <linux/filter.h>
#include <stdio.h>

int main(void) {
  static struct bh_policy p;
  static struct sock_filter f[4096];
  int fits = 0;
  for (unsigned n = 1; n <= BH_MAX_RANGES; n++) {
    p.n = n;
    for (unsigned i = 0; i < n; i++)
      p.r[i] = (struct bh_range){0x10000000ul * (i + 1), 0x10000000ul * (i + 1) + 0x1000, i % 2};
    if (bh_build_filter(&p, f, 4096) < 0)
      break;
    fits = (int)n;
  }
  printf("the filter fits %d ranges\n", fits);
  printf("with %d, a quarter of the kernel's limit to spare: %s\n", fits,
         bh_build_filter(&p, f, 4096 * 3 / 4) >= 0 ? "yes" : "no");
  return 0;
}
