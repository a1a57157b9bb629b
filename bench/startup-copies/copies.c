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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

long bh_own_startup_pages(int verbose); /* the runtime's, linked in */

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

/* One process: its wall time (fork to reaped), and what it reported. */
static double spawn(const char *self, int copy, double *call, long *pages) {
  int fds[2];
  if (pipe(fds))
    exit(1);
  double t0 = now();
  pid_t p = fork();
  if (!p) {
    dup2(fds[1], 1);
    execl(self, self, copy ? "child-copy" : "child", (char *)NULL);
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
  if (copy && sscanf(buf, "%lf %ld", call, pages) != 2)
    exit(1);
  return t;
}

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
  for (int r = 0; r < reps; r++) {
    without += spawn("/proc/self/exe", 0, &c, &pages);
    with += spawn("/proc/self/exe", 1, &c, &pages);
    call += c;
  }
  printf("pages copied %ld: the copy %.3f ms; process start to end %.3f ms "
         "without, %.3f ms with (mean of %d)\n",
         pages, call / reps * 1e3, without / reps * 1e3, with / reps * 1e3,
         reps);
  return 0;
}
