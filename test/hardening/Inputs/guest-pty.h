/* guest-pty.h - the launchers' terminal: a new pseudo-terminal, with
 * devpts mounted first (the guest boots without it). The master, or -1
 * (one line said); *name the slave's path. */
#ifndef GUEST_PTY_H
#define GUEST_PTY_H
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>

static int guest_pty(const char **name) {
  mkdir("/dev/pts", 0755);
  mount("devpts", "/dev/pts", "devpts", 0, "ptmxmode=0666");
  int master = posix_openpt(O_RDWR | O_NOCTTY);
  if (master < 0 || grantpt(master) || unlockpt(master)) {
    perror("launch: pty");
    return -1;
  }
  *name = ptsname(master);
  return master;
}
#endif
