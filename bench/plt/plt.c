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
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

void bh_plt_read_only(int verbose, uintptr_t *lo, uintptr_t *hi); /* linked in */

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

/* One process: its wall time (fork to reaped), and what it reported. */
static double spawn(int move, double *call, long *bytes) {
  int fds[2];
  if (pipe(fds))
    exit(1);
  double t0 = now();
  pid_t p = fork();
  if (!p) {
    dup2(fds[1], 1);
    execl("/proc/self/exe", "plt", move ? "child-move" : "child", (char *)NULL);
    _exit(1);
  }
  close(fds[1]);
  char buf[128] = "";
  ssize_t n = read(fds[0], buf, sizeof buf - 1);
  int st;
  waitpid(p, &st, 0);
  double t = now() - t0;
  close(fds[0]);
  if (n < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
    exit(1);
  buf[n > 0 ? n : 0] = 0;
  if (move && sscanf(buf, "%lf %ld", call, bytes) != 2)
    exit(1);
  return t;
}

int main(int argc, char **argv) {
  if (argc > 1 && !strcmp(argv[1], "child"))
    return 0;
  if (argc > 1 && !strcmp(argv[1], "child-move")) {
    uintptr_t lo, hi;
    double t0 = now();
    bh_plt_read_only(0, &lo, &hi);
    printf("%.9f %ld\n", now() - t0, (long)(hi - lo));
    return 0;
  }
  int reps = argc > 1 ? atoi(argv[1]) : 50;
  double with = 0, without = 0, call = 0, c = 0;
  long bytes = 0;
  for (int r = 0; r < reps; r++) {
    without += spawn(0, &c, &bytes);
    with += spawn(1, &c, &bytes);
    call += c;
  }
  printf("copies' pages %ld KiB: the move %.3f ms; process start to end "
         "%.3f ms without, %.3f ms with (mean of %d)\n",
         bytes / 1024, call / reps * 1e3, without / reps * 1e3,
         with / reps * 1e3, reps);
  return 0;
}
