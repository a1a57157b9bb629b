/* calls.c - what the system-call filter and its supervisor add to common
 * system calls (issue 12). Built twice by run.sh from this file, with the
 * filter (the default) and with -fno-pkey-syscall-filter; both have a
 * compartment, since only programs with one are filtered. Prints, per
 * call, the median ns of REPS repetitions of a loop lasting MIN_MS:
 *
 *   getpid            syscall(SYS_getpid): the filter's shortest path
 *   read 4 KiB        pread of 4 KiB from a file (page cache)
 *   mmap+munmap 64K   anonymous, no MAP_FIXED: the fast path above every
 *                     protected range
 *   openat+close      of the same file: every open goes to the supervisor
 *   dlopen+dlclose    of BENCH_DLOPEN (default libz.so.1): its open, and
 *                     its executable mapping, which the supervisor scans
 *   sbrk 64K          a move of the break up by 64 KiB and back: with the
 *                     filter the first is refused by the supervisor (a
 *                     notification) and there is nothing to move back; what
 *                     glibc's malloc pays about once per MB of heap growth
 *
 * Usage: bench-calls [REPS [MIN_MS]] (defaults 7 and 20). Lines are
 * "row ns", read by run.sh. */
#define _GNU_SOURCE
#include <bulkhead.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* A compartment, so that the runtime sets up (and filters) this program. */
BULKHEAD_DATA(callbench) static long secret = 1;
BULKHEAD_ENTRY(callbench) long callbench_secret(void) { return secret; }

static const char *path;
static int fd;
static char buf[4096];

static void do_getpid(void) { syscall(SYS_getpid); }
static void do_read(void) {
  if (pread(fd, buf, sizeof buf, 0) != (ssize_t)sizeof buf)
    abort();
}
static void do_mmap(void) {
  void *p = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED || munmap(p, 65536))
    abort();
}
static void do_open(void) {
  int f = openat(AT_FDCWD, path, O_RDONLY);
  if (f < 0 || close(f))
    abort();
}

static const char *lib;
static void do_dlopen(void) {
  void *h = dlopen(lib, RTLD_NOW | RTLD_LOCAL);
  if (!h || dlclose(h))
    abort();
}

static void do_sbrk(void) {
  if (sbrk(65536) != (void *)-1 && sbrk(-65536) == (void *)-1)
    abort();
}

static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static double measure(void (*f)(void), int reps, double min_ms) {
  long n = 16;
  for (;;) { /* calibrate, and warm up */
    double t0 = now_ns();
    for (long i = 0; i < n; i++)
      f();
    if (now_ns() - t0 >= min_ms * 1e6)
      break;
    n *= 2;
  }
  double s[reps];
  for (int r = 0; r < reps; r++) {
    double t0 = now_ns();
    for (long i = 0; i < n; i++)
      f();
    s[r] = (now_ns() - t0) / n;
  }
  qsort(s, reps, sizeof s[0], cmp);
  return s[reps / 2];
}

int main(int argc, char **argv) {
  int reps = argc > 1 ? atoi(argv[1]) : 7;
  double min_ms = argc > 2 ? atof(argv[2]) : 20;
  path = getenv("BENCH_FILE");
  if (reps < 1 || min_ms <= 0 || !path || (fd = open(path, O_RDONLY)) < 0) {
    fprintf(stderr, "usage: BENCH_FILE=FILE(>= 4 KiB) %s [REPS [MIN_MS]]\n", argv[0]);
    return 2;
  }
  if (callbench_secret() != 1)
    return 1;
  printf("getpid %.1f\n", measure(do_getpid, reps, min_ms));
  printf("read-4k %.1f\n", measure(do_read, reps, min_ms));
  printf("mmap-munmap-64k %.1f\n", measure(do_mmap, reps, min_ms));
  printf("openat-close %.1f\n", measure(do_open, reps, min_ms));
  lib = getenv("BENCH_DLOPEN") ? getenv("BENCH_DLOPEN") : "libz.so.1";
  printf("dlopen-dlclose %.1f\n", measure(do_dlopen, reps, min_ms));
  printf("sbrk-64k %.1f\n", measure(do_sbrk, reps, min_ms));
  return 0;
}
