/* rev38-userns-caps.c - a program run by execve under a hardened program's
 * filter (not our process) with fewer rights than the supervisor: it opens
 * FILE (mode 0, root's) plainly, then again after unshare(CLONE_NEWUSER),
 * which gives it every capability in a user namespace of its own.
 *
 * rev38-userns-caps MODE FILE */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "helper-steps.h"

int main(int argc, char **argv) {
  if (argc < 3)
    return 2;
  setvbuf(stdout, NULL, _IONBF, 0);
  const char *mode = argv[1], *file = argv[2];
  int fd = open(file, O_RDWR);
  printf("helper %s: plain open: %s\n", mode,
         fd < 0 ? strerror(errno) : "opened");
  if (fd >= 0)
    return close(fd), 0;
  if (!step(!unshare(CLONE_NEWUSER), "unshare(CLONE_NEWUSER)"))
    return 1;
  fd = open(file, O_RDWR);
  printf("helper %s: open in a user namespace: %s\n", mode,
         fd < 0 ? strerror(errno) : "opened");
  if (fd >= 0)
    printf("ATTACK SUCCEEDED: %s opened a file of mode 0 it may not open, "
           "for writing, through the supervisor\n", mode);
  return 0;
}
