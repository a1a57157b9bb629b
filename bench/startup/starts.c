/* starts.c - process start-to-end time of the programs named: fork, exec,
 * exit and reap, each started REPS times, the programs in turn (each round
 * in another order), so that a change of load touches them alike.
 *   starts REPS LABEL=PATH...
 * Prints per program the median and mean ms and their ratios to the last
 * one's, and whether its runtime said it ran unprotected (no PKU, with
 * BULKHEAD_ALLOW_UNPROTECTED=1: none of the hardened start-up steps ran). */
#define _GNU_SOURCE
#include "../fresh.h"
#include <stdio.h>
#include <string.h>

#define MAX_PROGS 8
#define MAX_REPS 10000

int main(int argc, char **argv) {
  int reps = argc > 1 ? atoi(argv[1]) : 0, n = argc - 2;
  if (reps < 1 || reps > MAX_REPS || n < 1 || n > MAX_PROGS) {
    fprintf(stderr, "usage: starts REPS (1 to %d) LABEL=PATH... (1 to %d)\n",
            MAX_REPS, MAX_PROGS);
    return 2;
  }
  static double t[MAX_PROGS][MAX_REPS];
  const char *label[MAX_PROGS], *path[MAX_PROGS];
  int unprotected[MAX_PROGS] = {0};
  for (int i = 0; i < n; i++) {
    char *eq = strchr(argv[i + 2], '=');
    if (!eq) {
      fprintf(stderr, "starts: '%s' is not LABEL=PATH\n", argv[i + 2]);
      return 2;
    }
    *eq = 0, label[i] = argv[i + 2], path[i] = eq + 1;
  }
  char out[4096];
  for (int r = 0; r < reps; r++)
    for (int k = 0; k < n; k++) {
      int i = (r + k) % n;
      t[i][r] = fresh_exec(path[i], NULL, 1, out, sizeof out);
      if (strstr(out, "running WITHOUT compartment isolation"))
        unprotected[i] = 1;
    }
  double med[MAX_PROGS], mean[MAX_PROGS];
  for (int i = 0; i < n; i++) {
    mean[i] = 0;
    for (int r = 0; r < reps; r++)
      mean[i] += t[i][r] / reps;
    med[i] = median(t[i], reps);
  }
  printf("%-28s %9s %9s %9s %9s\n", "program", "median ms", "x last",
         "mean ms", "x last");
  for (int i = 0; i < n; i++)
    printf("%-28s %9.3f %9.2f %9.3f %9.2f%s\n", label[i], med[i] * 1e3,
           med[i] / med[n - 1], mean[i] * 1e3, mean[i] / mean[n - 1],
           unprotected[i] ? "  (ran unprotected)" : "");
  printf("(%d processes each, alternating)\n", reps);
  return 0;
}
