/* find-supervisor.h - for attacks on the supervisor: its pid, one of its
 * other threads, and whether it still answers. */
#ifndef FIND_SUPERVISOR_H
#define FIND_SUPERVISOR_H
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* The one process whose procfs files the supervisor refuses to open for
 * us (it kills the caller, so a fork child tries each pid). 0 if none. */
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

static void *open_for_writing(void *fifo) {
  open(fifo, O_WRONLY); /* waits for a reader, in a supervisor thread */
  return NULL;
}

/* A thread id of the supervisor sup other than sup, from its task
 * directory (O_DIRECTORY: no supervisor), once a thread of ours waits in
 * an open of a new fifo, which the supervisor makes on a thread of its
 * own. 0 if none comes. */
static pid_t supervisor_thread(pid_t sup, const char *fifo) {
  pthread_t t;
  unlink(fifo);
  if (mkfifo(fifo, 0600) ||
      pthread_create(&t, NULL, open_for_writing, (void *)fifo))
    return 0;
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/task", (int)sup);
  pid_t tid = 0;
  for (int i = 0; i < 100 && !tid; i++) { /* up to 10 s: a loaded guest */
    usleep(100000);
    DIR *d = opendir(path);
    for (struct dirent *e; d && (e = readdir(d));) {
      pid_t id = (pid_t)atoi(e->d_name);
      if (id > 0 && id != sup)
        tid = id;
    }
    if (d)
      closedir(d);
  }
  return tid;
}

/* Whether the supervisor still answers an open it decides: ENOSYS means
 * no listener is left, so the attack (how) ended it. */
static void supervisor_answers(const char *how) {
  usleep(300000);
  int fd = open("/dev/null", O_RDONLY);
  int err = errno;
  printf("open after: %s\n", fd >= 0 ? "ok" : strerror(err));
  if (fd < 0 && err == ENOSYS)
    printf("ATTACK SUCCEEDED: %s; every call it decides fails\n", how);
}
#endif
