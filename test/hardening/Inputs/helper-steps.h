/* helper-steps.h - for the plain helpers that attack tests execve: each
 * step says what failed and why, and an empty file to mount over. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int step(int ok, const char *what) {
  if (!ok)
    printf("helper: %s: %s\n", what, strerror(errno));
  return ok;
}

static __attribute__((unused)) int touch(const char *path) {
  int fd = open(path, O_WRONLY | O_CREAT, 0600);
  if (fd >= 0)
    close(fd);
  return fd >= 0;
}
