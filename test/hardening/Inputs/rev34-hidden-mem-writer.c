/* rev34-hidden-mem-writer.c - a program run by execve under a hardened
 * program's filter (not our process): it reads and rewrites another
 * process's memory through /proc/PID/mem.
 *
 * rev34-hidden-mem-writer MODE PID ADDR: MODE "hidden" first makes this
 * process not dumpable (prctl), "dumpable" does not. Then 31 bytes of
 * PID's memory at ADDR (hex) are read, and "X" written over the byte
 * after the first. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 4)
    return 2;
  if (!strcmp(argv[1], "hidden") && prctl(PR_SET_DUMPABLE, 0, 0, 0, 0))
    perror("helper: prctl(PR_SET_DUMPABLE, 0)");
  printf("helper: dumpable %d\n", prctl(PR_GET_DUMPABLE, 0, 0, 0, 0));
  char path[64], buf[32] = {0};
  snprintf(path, sizeof path, "/proc/%s/mem", argv[2]);
  off_t at = (off_t)strtoull(argv[3], NULL, 16);
  int mem = open(path, O_RDWR);
  if (mem < 0) {
    perror("helper: open /proc/PID/mem");
    return 1;
  }
  if (pread(mem, buf, 31, at) > 0 && !strncmp(buf, "TOP-SECRET", 10))
    printf("ATTACK SUCCEEDED: read '%s' from %s\n", buf, path);
  if (pwrite(mem, "X", 2, at + 1) == 2)
    printf("helper: wrote into %s\n", path);
  return 0;
}
