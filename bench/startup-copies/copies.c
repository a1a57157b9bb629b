/* Start-up cost of making the pages of start-up objects the process's own
 * copies (runtime/supervisor-own.c bh_own_startup_pages, which a hardened
 * program runs before its start-up scan and again once its filter is in
 * place) and of the check of its executable memory (runtime/gadgets.c
 * bh_check_exec_memory, run at the same two points). This program has no
 * compartment, so its runtime's start-up does nothing; it makes the
 * runtime's calls itself, in a fresh process each time:
 *   copies REPS        mean over REPS processes of each call's time, the
 *                      pages the first pass copied, and of the whole
 *                      fork + exec + exit with and without the calls.
 * Which objects it copies depends on who runs it (bench/startup-copies/
 * run.sh: the user owns every library, or none). */
#define _GNU_SOURCE
#include "../fresh.h"
#include <stdio.h>
#include <string.h>

/* The runtime's, linked in. */
long bh_own_startup_pages(int verbose);
void bh_check_exec_memory(void);

int main(int argc, char **argv) {
  if (argc > 1 && !strcmp(argv[1], "child"))
    return 0;
  if (argc > 1 && !strcmp(argv[1], "child-copy")) {
    double t0 = now();
    long pages = bh_own_startup_pages(0);
    double t1 = now();
    bh_own_startup_pages(0); /* the second pass: pages already copied stay */
    double t2 = now();
    bh_check_exec_memory();
    double t3 = now();
    printf("%.9f %.9f %.9f %ld\n", t1 - t0, t2 - t1, t3 - t2, pages);
    return 0;
  }
  int reps = argc > 1 ? atoi(argv[1]) : 50;
  double with = 0, without = 0, first = 0, second = 0, check = 0, c1, c2, c3;
  long pages = 0;
  char out[128];
  for (int r = 0; r < reps; r++) {
    without += fresh_run("child", out, sizeof out);
    with += fresh_run("child-copy", out, sizeof out);
    if (sscanf(out, "%lf %lf %lf %ld", &c1, &c2, &c3, &pages) != 4)
      return 1;
    first += c1, second += c2, check += c3;
  }
  printf("pages copied %ld: the copy %.3f ms, its second pass %.3f ms, the "
         "executable-memory check %.3f ms; process start to end %.3f ms "
         "without, %.3f ms with the three (mean of %d)\n",
         pages, first / reps * 1e3, second / reps * 1e3, check / reps * 1e3,
         without / reps * 1e3, with / reps * 1e3, reps);
  return 0;
}
