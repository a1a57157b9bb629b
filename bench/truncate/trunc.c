/* What a shortening truncation costs under the supervisor, natively: the
 * runtime's own judgement called in this program, which has no
 * compartment (so no filter, no PKU needed). In one run, alternating:
 *   plain     ftruncate(fd, 0) of a user file of SIZE bytes;
 *   hardened  what the supervisor does for that call
 *             (runtime/supervisor-truncate.c): its own copy of the
 *             caller's descriptor (pidfd_open, pidfd_getfd), fstat, the
 *             judgement (bh_truncation_drops: the seals, the files
 *             registered objects came from, the address-space identity of
 *             every process in /proc), one read of a process's maps (ours:
 *             the judgement skips its own process, where the supervisor
 *             reads the program's), then ftruncate of its copy.
 * Not in the hardened row: the seccomp notification's round trip between
 * the two processes (bench/syscalls measures it for opens, with PKU).
 * Each round writes the file back to SIZE bytes first, untimed.
 * Usage: trunc FILE [REPS [SIZE]]. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* The runtime's, linked in (hidden, found in its archive). */
struct bh_map;
int bh_truncation_drops(int fd, const struct stat *st, long long len, int moves);
int bh_each_map(const char *path, int (*each)(const struct bh_map *m, void *ctx),
                void *ctx);

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

static int no_match(const struct bh_map *m, void *ctx) {
  (void)m, (void)ctx;
  return 0;
}

static void fill(int fd, const char *buf, size_t size) {
  if (pwrite(fd, buf, size, 0) != (ssize_t)size) {
    perror("trunc: write");
    exit(1);
  }
}

static double plain(int fd) {
  double t0 = now();
  if (ftruncate(fd, 0)) {
    perror("trunc: ftruncate");
    exit(1);
  }
  return now() - t0;
}

static double hardened(int fd) {
  double t0 = now();
  int pfd = (int)syscall(SYS_pidfd_open, getpid(), 0);
  int copy = pfd < 0 ? -1 : (int)syscall(SYS_pidfd_getfd, pfd, fd, 0);
  struct stat st;
  if (copy < 0 || fstat(copy, &st)) {
    perror("trunc: pidfd_getfd");
    exit(1);
  }
  if (bh_truncation_drops(copy, &st, 0, 0)) {
    fprintf(stderr, "trunc: the file counts as mapped executable\n");
    exit(1);
  }
  bh_each_map("/proc/self/maps", no_match, NULL);
  if (ftruncate(copy, 0)) {
    perror("trunc: ftruncate");
    exit(1);
  }
  close(copy);
  close(pfd);
  return now() - t0;
}

static int by_value(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: trunc FILE [REPS [SIZE]]\n");
    return 2;
  }
  int reps = argc > 2 ? atoi(argv[2]) : 200;
  long size = argc > 3 ? atol(argv[3]) : 65536;
  if (reps < 1 || size < 1) {
    fprintf(stderr, "trunc: REPS and SIZE must be positive numbers\n");
    return 2;
  }
  int fd = open(argv[1], O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  char *buf = malloc((size_t)size);
  double *t[2] = {calloc((size_t)reps, sizeof(double)),
                  calloc((size_t)reps, sizeof(double))};
  if (fd < 0 || !buf || !t[0] || !t[1]) {
    perror("trunc: setup");
    return 1;
  }
  memset(buf, 'x', (size_t)size);
  for (int r = -1; r < reps; r++) /* round -1 warms up */
    for (int k = 0; k < 2; k++) {
      fill(fd, buf, (size_t)size);
      double s = k ? hardened(fd) : plain(fd);
      if (r >= 0)
        t[k][r] = s;
    }
  for (int k = 0; k < 2; k++)
    qsort(t[k], (size_t)reps, sizeof(double), by_value);
  double p = t[0][reps / 2], h = t[1][reps / 2];
  printf("ftruncate of a %ld-byte file to 0, median of %d each, alternating:\n",
         size, reps);
  printf("  plain %.1f us, hardened %.1f us: %.1fx (+%.1f us)\n", p * 1e6,
         h * 1e6, h / p, (h - p) * 1e6);
  return 0;
}
