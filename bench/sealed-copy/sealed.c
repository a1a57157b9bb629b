/* What a dlopen of a plugin costs the hardened path beyond the dlopen
 * itself, by the two ways the supervisor treats the file's new executable
 * mapping (runtime/supervisor-exec.c; docs/hardening.md, "Executable file
 * mappings"), natively: the runtime's own functions called in this
 * program, which has no compartment (so no filter, no supervisor, no PKU
 * needed):
 *   plain    dlopen + dlclose of the file;
 *   owned    the same, and the code's pages made the process's own copies
 *            (bh_own_pages, through /proc/self/mem): a file the process
 *            cannot change (a root-owned plugin);
 *   sealed   a sealed memfd copy of the whole file (bh_sealed_copy: every
 *            byte, debug sections too) and dlopen of that copy: a file the
 *            process could change (a user-owned plugin).
 * Not in any row: the seccomp round trip, stopping the threads, the scan
 * (bench/syscalls measures those with PKU), and for sealed the second
 * look at the copy. Usage: sealed PLUGIN [REPS]; the three rows alternate
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
int bh_own_pages(pid_t tgid, pid_t tid, uintptr_t lo, uintptr_t hi);

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

struct code {
  const char *name;
  uintptr_t lo, hi; /* its executable segments, whole pages */
};

static int find_code(struct dl_phdr_info *info, size_t size, void *arg) {
  struct code *c = arg;
  (void)size;
  if (!info->dlpi_name || strcmp(info->dlpi_name, c->name))
    return 0;
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_X))
      continue;
    uintptr_t lo = (info->dlpi_addr + ph->p_vaddr) & ~(uintptr_t)4095;
    uintptr_t hi = (info->dlpi_addr + ph->p_vaddr + ph->p_memsz + 4095) & ~(uintptr_t)4095;
    if (!c->lo || lo < c->lo)
      c->lo = lo;
    if (hi > c->hi)
      c->hi = hi;
  }
  return 1;
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

static double owned(const char *path, long *bytes) {
  double t0 = now();
  void *h = open_plugin(path);
  struct code c = {path, 0, 0};
  dl_iterate_phdr(find_code, &c);
  if (!c.lo || bh_own_pages(getpid(), (pid_t)syscall(SYS_gettid), c.lo, c.hi)) {
    fprintf(stderr, "sealed: cannot make the code's pages our own\n");
    exit(1);
  }
  double t = now() - t0;
  dlclose(h);
  *bytes = (long)(c.hi - c.lo);
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
  double (*const how[3])(const char *, long *) = {plain, owned, sealed};
  static const char *const row[3] = {"plain dlopen", "owned (root-owned file)",
                                     "sealed (user-owned file)"};
  double *t[3];
  long bytes[3] = {0, 0, 0};
  for (int k = 0; k < 3; k++)
    if (!(t[k] = calloc((size_t)reps, sizeof(double))))
      return 1;
  for (int k = 0; k < 3; k++) /* warm up: the page cache, ld.so */
    how[k](path, &bytes[k]);
  for (int r = 0; r < reps; r++)
    for (int k = 0; k < 3; k++)
      t[k][r] = how[k](path, &bytes[k]);
  struct stat st;
  if (stat(path, &st))
    return 1;
  printf("plugin %lld bytes; median of %d dlopens each, rows alternating\n",
         (long long)st.st_size, reps);
  printf("%-26s %10s %10s %14s\n", "row", "ms", "x plain", "memory bytes");
  double base = 0;
  for (int k = 0; k < 3; k++) {
    qsort(t[k], (size_t)reps, sizeof(double), by_value);
    double m = t[k][reps / 2];
    if (!k)
      base = m;
    printf("%-26s %10.3f %10.2f %14ld\n", row[k], m * 1e3, m / base, bytes[k]);
  }
  return 0;
}
