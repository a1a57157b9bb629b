/* rev38-ptrace-kept.c - a program run by execve under a hardened program's
 * filter (not our process), as nobody: it opens what only ptrace access to
 * another user's processes gives, through the supervisor.
 *
 * rev38-ptrace-kept DIR PID: DIR/sub/file's plain open (DIR is 0700
 * root's: refused, the control), then the same file through the working
 * directory of PID (root's, in DIR/sub), and /proc/1/maps. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int try(const char *what, const char *path) {
  char buf[64] = {0};
  int fd = open(path, O_RDONLY);
  ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
  if (n > 0 && strchr(buf, '\n'))
    *strchr(buf, '\n') = 0;
  printf("helper: %s: %s%s%s\n", what, fd < 0 ? strerror(errno) : "opened",
         n > 0 ? ": " : "", n > 0 ? buf : "");
  if (fd >= 0)
    close(fd);
  return fd >= 0;
}

int main(int argc, char **argv) {
  if (argc < 3)
    return 2;
  setvbuf(stdout, NULL, _IONBF, 0);
  char path[4200];
  snprintf(path, sizeof path, "%s/sub/file", argv[1]);
  try("plain open of a file under root's 0700 directory", path);
  snprintf(path, sizeof path, "/proc/%s/cwd/file", argv[2]);
  int cwd = try("through the working directory of root's process", path);
  int maps = try("/proc/1/maps", "/proc/1/maps");
  if (cwd || maps)
    printf("ATTACK SUCCEEDED: nobody had the supervisor's CAP_SYS_PTRACE "
           "for another user's processes\n");
  return 0;
}
