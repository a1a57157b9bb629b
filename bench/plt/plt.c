/* Start-up cost of moving PLT jumps off writable GOT words
 * (runtime/plt.c bh_plt_read_only, which every protected program runs
 * before main). This program has no compartment, so its runtime's
 * start-up does nothing; it calls the runtime's function itself, in a
 * fresh process each time (started with LD_BIND_NOW=1, as the runtime's
 * re-run is):
 *   plt REPS   mean over REPS processes of the call's time, the jumps it
 *              moved, and of the whole fork + exec + exit with and without
 *              the call. */
#define _GNU_SOURCE
#include "../fresh.h"
#include <stdint.h>
#include <stdio.h>
#include <string.h>

void bh_plt_read_only(int verbose, uintptr_t done_lo, uintptr_t done_hi,
                      uintptr_t *lo, uintptr_t *hi); /* linked in */

int main(int argc, char **argv) {
  if (argc > 1 && !strcmp(argv[1], "child"))
    return 0;
  if (argc > 1 && !strcmp(argv[1], "child-move")) {
    uintptr_t lo, hi;
    double t0 = now();
    bh_plt_read_only(0, 0, 0, &lo, &hi);
    printf("%.9f %ld\n", now() - t0, (long)(hi - lo));
    return 0;
  }
  int reps = argc > 1 ? atoi(argv[1]) : 50;
  double with = 0, without = 0, call = 0, c = 0;
  long bytes = 0;
  char out[128];
  for (int r = 0; r < reps; r++) {
    without += fresh_run("child", out, sizeof out);
    with += fresh_run("child-move", out, sizeof out);
    if (sscanf(out, "%lf %ld", &c, &bytes) != 2)
      return 1;
    call += c;
  }
  printf("copies' pages %ld KiB: the move %.3f ms; process start to end "
         "%.3f ms without, %.3f ms with (mean of %d)\n",
         bytes / 1024, call / reps * 1e3, without / reps * 1e3,
         with / reps * 1e3, reps);
  return 0;
}
