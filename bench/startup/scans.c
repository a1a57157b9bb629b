/* scans.c - what a hardened program's start-up searches for PKRU writes
 * cost (runtime/gadgets.c), timed by calling the runtime's functions in
 * the order a hardened program runs them (runtime/init.c, then the
 * filter's installation in runtime/syscalls.c):
 *   1. bh_neutralise_gadgets(BH_SCAN_START): every object but the program,
 *      patching glibc's pkey_set and ld.so's XRSTOR, then the walk of
 *      /proc/self/maps (bh_check_exec_memory);
 *   2. bh_neutralise_gadgets(BH_SCAN_FILTER): every object again;
 *   3. bh_check_exec_memory: the walk again, once the filter is in place;
 *   4. bh_neutralise_gadgets(BH_SCAN_FILTERED): every object once more,
 *      and the program's pages compared with its file;
 *   5. bh_program_as_linked alone (the comparison in 4), once more.
 * This program has no compartment, so its runtime's start-up does none of
 * it; it runs them itself, in a fresh process each time, started with
 * LD_BIND_NOW=1 as the runtime's re-run is (else ld.so's XRSTOR stays and
 * the first search stops the process):
 *   scans REPS   medians and means over REPS processes of each call, the
 *                bytes searched, and the whole fork + exec + exit with and
 *                without the calls. */
#define _GNU_SOURCE
#include "../../runtime/internal.h"
#include "../fresh.h"
#include <link.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>

#define CALLS 5
#define MAX_REPS 10000

static const char *const names[CALLS] = {
    "first search + walk (START)", "second search (FILTER)",
    "walk again", "third search (FILTERED)", "  of which program_as_linked"};

/* The executable pages of every object but the program: what each search
 * reads. */
static int exec_bytes(struct dl_phdr_info *info, size_t size, void *arg) {
  (void)size;
  if ((uintptr_t)info->dlpi_phdr == getauxval(AT_PHDR))
    return 0;
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_X))
      continue;
    uintptr_t a = info->dlpi_addr + ph->p_vaddr;
    *(size_t *)arg += ((a + ph->p_memsz + 4095) & ~(uintptr_t)4095) -
                      (a & ~(uintptr_t)4095);
  }
  return 0;
}

static int program(struct dl_phdr_info *info, size_t size, void *arg) {
  (void)size;
  if ((uintptr_t)info->dlpi_phdr != getauxval(AT_PHDR))
    return 0;
  *(struct dl_phdr_info *)arg = *info;
  return 1;
}

static void child(void) {
  struct dl_phdr_info self;
  dl_iterate_phdr(program, &self);
  double t[CALLS + 1];
  t[0] = now();
  bh_neutralise_gadgets(BH_SCAN_START);
  t[1] = now();
  bh_neutralise_gadgets(BH_SCAN_FILTER);
  t[2] = now();
  bh_check_exec_memory();
  t[3] = now();
  bh_neutralise_gadgets(BH_SCAN_FILTERED);
  t[4] = now();
  bh_program_as_linked(&self);
  t[5] = now();
  size_t bytes = 0;
  dl_iterate_phdr(exec_bytes, &bytes);
  for (int i = 0; i < CALLS; i++)
    printf("%.9f ", t[i + 1] - t[i]);
  printf("%zu\n", bytes);
}

static double mean(const double *v, int n) {
  double s = 0;
  for (int i = 0; i < n; i++)
    s += v[i] / n;
  return s;
}

int main(int argc, char **argv) {
  if (argc > 1 && !strcmp(argv[1], "child"))
    return 0;
  if (argc > 1 && !strcmp(argv[1], "child-scan")) {
    child();
    return 0;
  }
  int reps = argc > 1 ? atoi(argv[1]) : 50;
  if (reps < 1 || reps > MAX_REPS) {
    fprintf(stderr, "usage: scans [REPS] (1 to %d)\n", MAX_REPS);
    return 2;
  }
  static double c[CALLS][MAX_REPS], with[MAX_REPS], without[MAX_REPS];
  size_t bytes = 0;
  char out[512];
  for (int r = 0; r < reps; r++) {
    without[r] = fresh_run("child", out, sizeof out);
    with[r] = fresh_run("child-scan", out, sizeof out);
    if (sscanf(out, "%lf %lf %lf %lf %lf %zu", &c[0][r], &c[1][r], &c[2][r],
               &c[3][r], &c[4][r], &bytes) != CALLS + 1) {
      fprintf(stderr, "scans: a child's output is not its six numbers\n");
      return 1;
    }
  }
  printf("searched: %zu KiB of executable pages of the loaded objects (the "
         "program's own not counted)\n",
         bytes / 1024);
  printf("%-30s %9s %9s\n", "call", "median ms", "mean ms");
  double sum_med = 0, sum_mean = 0;
  for (int i = 0; i < CALLS; i++) {
    double m = mean(c[i], reps), md = median(c[i], reps);
    if (i < CALLS - 1)
      sum_med += md, sum_mean += m;
    printf("%-30s %9.3f %9.3f\n", names[i], md * 1e3, m * 1e3);
  }
  printf("%-30s %9.3f %9.3f\n", "sum of the four", sum_med * 1e3, sum_mean * 1e3);
  printf("process start to end: %.3f ms without, %.3f ms with the four "
         "(medians; means %.3f, %.3f; %d processes each, alternating)\n",
         median(without, reps) * 1e3, median(with, reps) * 1e3,
         mean(without, reps) * 1e3, mean(with, reps) * 1e3, reps);
  return 0;
}
