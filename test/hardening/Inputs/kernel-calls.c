/* kernel-calls.c - a plain program run by execve under a hardened
 * program's filter (not our process): it asks for what reads or runs
 * anything in the kernel's name. kernel-calls PID: performance events on
 * PID, a BPF map, a module from no file. */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/bpf.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static void report(const char *what, long r) {
  printf("helper: %s: %s\n", what, r >= 0 ? "allowed" : strerror(errno));
}

int main(int argc, char **argv) {
  if (argc < 2)
    return 2;
  setvbuf(stdout, NULL, _IONBF, 0);
  struct perf_event_attr pe = {.type = PERF_TYPE_SOFTWARE,
                               .size = sizeof pe,
                               .config = PERF_COUNT_SW_TASK_CLOCK,
                               .sample_type = PERF_SAMPLE_STACK_USER,
                               .sample_stack_user = 4096,
                               .sample_period = 100000,
                               .disabled = 1};
  report("perf_event_open",
         syscall(SYS_perf_event_open, &pe, atoi(argv[1]), -1, -1, 0));
  union bpf_attr map = {.map_type = BPF_MAP_TYPE_ARRAY,
                        .key_size = 4,
                        .value_size = 8,
                        .max_entries = 1};
  report("bpf", syscall(SYS_bpf, BPF_MAP_CREATE, &map, sizeof map));
  report("finit_module", syscall(SYS_finit_module, -1, "", 0));
  return 0;
}
