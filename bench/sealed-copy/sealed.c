/* What a dlopen of a plugin costs the hardened path beyond the dlopen
 * itself: the supervisor maps a sealed copy of the file instead
 * (runtime/supervisor-exec.c; docs/hardening.md, "Executable file
 * mappings"). Natively: the runtime's own functions called in this
 * program, which has no compartment (so no filter, no supervisor, no PKU
 * needed):
 *   plain    dlopen + dlclose of the file;
 *   sealed   a sealed memfd copy of the whole file (bh_sealed_copy: every
 *            byte, debug sections too) and dlopen of that copy.
 * Not in any row: the seccomp round trip, stopping the threads, the scan
 * (bench/syscalls measures those with PKU), and for sealed the second
 * look at the copy. Usage: sealed PLUGIN [REPS]; the two rows alternate
 * REPS times; each prints the median ms per dlopen and the memory the
 * process holds for it beyond the page cache's shared pages. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* The runtime's, linked in (hidden, found in its archive). */
int bh_sealed_copy(int fd, const char *path);

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

static void *open_plugin(const char *path) {
  void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    fprintf(stderr, "sealed: dlopen %s: %s\n", path, dlerror());
    exit(1);
  }
  return h;
}

/* One dlopen of each kind: its seconds; the bytes it holds, in *bytes. */
static double plain(const char *path, long *bytes) {
  double t0 = now();
  void *h = open_plugin(path);
  double t = now() - t0;
  dlclose(h);
  *bytes = 0;
  return t;
}

static double sealed(const char *path, long *bytes) {
  double t0 = now();
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  int copy = fd < 0 ? -1 : bh_sealed_copy(fd, path);
  if (copy < 0) {
    fprintf(stderr, "sealed: no sealed copy of %s: %m\n", path);
    exit(1);
  }
  close(fd);
  char name[64];
  snprintf(name, sizeof name, "/proc/self/fd/%d", copy);
  void *h = open_plugin(name);
  double t = now() - t0;
  struct stat st;
  *bytes = fstat(copy, &st) ? 0 : (long)st.st_blocks * 512;
  dlclose(h);
  close(copy);
  return t;
}

static int by_value(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: sealed PLUGIN [REPS]\n");
    return 2;
  }
  const char *path = argv[1];
  int reps = argc > 2 ? atoi(argv[2]) : 100;
  if (reps < 1) {
    fprintf(stderr, "sealed: REPS must be a positive number\n");
    return 2;
  }
  enum { ROWS = 2 };
  double (*const how[ROWS])(const char *, long *) = {plain, sealed};
  static const char *const row[ROWS] = {"plain dlopen", "sealed copy"};
  double *t[ROWS];
  long bytes[ROWS] = {0, 0};
  for (int k = 0; k < ROWS; k++)
    if (!(t[k] = calloc((size_t)reps, sizeof(double))))
      return 1;
  for (int k = 0; k < ROWS; k++) /* warm up: the page cache, ld.so */
    how[k](path, &bytes[k]);
  for (int r = 0; r < reps; r++)
    for (int k = 0; k < ROWS; k++)
      t[k][r] = how[k](path, &bytes[k]);
  struct stat st;
  if (stat(path, &st))
    return 1;
  printf("plugin %lld bytes; median of %d dlopens each, rows alternating\n",
         (long long)st.st_size, reps);
  printf("%-26s %10s %10s %14s\n", "row", "ms", "x plain", "memory bytes");
  double base = 0;
  for (int k = 0; k < ROWS; k++) {
    qsort(t[k], (size_t)reps, sizeof(double), by_value);
    double m = t[k][reps / 2];
    if (!k)
      base = m;
    printf("%-26s %10.3f %10.2f %14ld\n", row[k], m * 1e3, m / base, bytes[k]);
  }
  return 0;
}
