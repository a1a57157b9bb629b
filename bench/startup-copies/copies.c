/* Start-up cost of making the pages of start-up objects the process's own
 * copies (runtime/supervisor-own.c bh_own_startup_pages, which a hardened
 * program runs before its start-up scan). This program has no
 * compartment, so its runtime's start-up does nothing; it calls the
 * runtime's function itself, in a fresh process each time:
 *   copies REPS        mean over REPS processes of the call's time, the
 *                      pages it copied, and of the whole fork + exec +
 *                      exit with and without the call.
 * Which objects it copies depends on who runs it (bench/startup-copies/
 * run.sh: the user owns every library, or none). */
#define _GNU_SOURCE
#include "../fresh.h"
#include <stdio.h>
#include <string.h>

long bh_own_startup_pages(int verbose); /* the runtime's, linked in */

int main(int argc, char **argv) {
  if (argc > 1 && !strcmp(argv[1], "child"))
    return 0;
  if (argc > 1 && !strcmp(argv[1], "child-copy")) {
    double t0 = now();
    long pages = bh_own_startup_pages(0);
    printf("%.9f %ld\n", now() - t0, pages);
    return 0;
  }
  int reps = argc > 1 ? atoi(argv[1]) : 50;
  double with = 0, without = 0, call = 0, c;
  long pages = 0;
  char out[128];
  for (int r = 0; r < reps; r++) {
    without += fresh_run("child", out, sizeof out);
    with += fresh_run("child-copy", out, sizeof out);
    if (sscanf(out, "%lf %ld", &c, &pages) != 2)
      return 1;
    call += c;
  }
  printf("pages copied %ld: the copy %.3f ms; process start to end %.3f ms "
         "without, %.3f ms with (mean of %d)\n",
         pages, call / reps * 1e3, without / reps * 1e3, with / reps * 1e3,
         reps);
  return 0;
}
