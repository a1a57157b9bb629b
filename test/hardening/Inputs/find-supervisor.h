/* find-supervisor.h - the supervisor's pid, for attacks on it: the one
 * process whose procfs files the supervisor refuses to open for us (it
 * kills the caller, so a fork child tries each pid). 0 if none. */
#ifndef FIND_SUPERVISOR_H
#define FIND_SUPERVISOR_H
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static pid_t find_supervisor(void) {
  DIR *d = opendir("/proc");
  pid_t found = 0;
  for (struct dirent *e; d && !found && (e = readdir(d));) {
    pid_t p = (pid_t)atoi(e->d_name), c;
    if (p <= 1 || p == getpid() || (c = fork()) < 0)
      continue;
    if (c == 0) {
      char path[64];
      snprintf(path, sizeof path, "/proc/%d/comm", (int)p);
      _exit(open(path, O_RDONLY) < 0);
    }
    int st;
    waitpid(c, &st, 0);
    if (WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL)
      found = p;
  }
  if (d)
    closedir(d);
  return found;
}
#endif
