/* fresh.h - for benchmarks that time a step in fresh processes: the
 * monotonic clock, one run of this program with one argument, and the
 * median of the times. */
#ifndef BULKHEAD_BENCH_FRESH_H
#define BULKHEAD_BENCH_FRESH_H
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static inline double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

/* Runs PATH ARG (ARG may be NULL), its output into OUT (CAP bytes,
 * NUL-ended), its standard error too if ERR: the wall time from fork to
 * reaped. Exits if it fails. */
static inline double fresh_exec(const char *path, const char *arg, int err,
                                char *out, size_t cap) {
  int fds[2];
  if (pipe(fds))
    exit(1);
  double t0 = now();
  pid_t p = fork();
  if (!p) {
    dup2(fds[1], 1);
    if (err)
      dup2(fds[1], 2);
    execl(path, "bench", arg, (char *)NULL);
    _exit(1);
  }
  close(fds[1]);
  size_t n = 0;
  ssize_t got = 1;
  while (got > 0 && n < cap - 1)
    if ((got = read(fds[0], out + n, cap - 1 - n)) > 0)
      n += (size_t)got;
  int st;
  waitpid(p, &st, 0);
  double t = now() - t0;
  close(fds[0]);
  if (got < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
    exit(1);
  out[n] = 0;
  return t;
}

/* Runs /proc/self/exe ARG, its output into OUT: fresh_exec. */
static inline double fresh_run(const char *arg, char *out, size_t cap) {
  return fresh_exec("/proc/self/exe", arg, 0, out, cap);
}
static inline int fresh_by_value(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* The median of v[0..n) (sorts v). */
static inline double median(double *v, int n) {
  qsort(v, (size_t)n, sizeof *v, fresh_by_value);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

#endif
