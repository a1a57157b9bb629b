/* tid-reuse.h - giving an ended thread's id to the next thread, the
 * stand-in for going round the ids: a process forked by a constructor
 * before the filter (root, unfiltered) sets ns_last_pid to each number the
 * program sends it, and answers once it did. wait_task_gone(tid) waits
 * until the thread's /proc/self/task entry is gone; give_next_tid(tid)
 * makes TID the next thread's id (1 and a "setup:" line if it cannot). */
#ifndef BULKHEAD_TEST_TID_REUSE_H
#define BULKHEAD_TEST_TID_REUSE_H
#include <fcntl.h>
#include <stdio.h>
#include <sys/types.h>
#include <unistd.h>

static int to_setter[2], from_setter[2];

__attribute__((constructor(101))) static void start_setter(void) {
  if (pipe(to_setter) || pipe(from_setter))
    return;
  if (fork() != 0) {
    close(to_setter[0]), close(from_setter[1]);
    return;
  }
  close(to_setter[1]), close(from_setter[0]); /* it ends with the program */
  for (int n; read(to_setter[0], &n, sizeof n) == sizeof n;) {
    char b[32];
    int len = snprintf(b, sizeof b, "%d", n);
    int fd = open("/proc/sys/kernel/ns_last_pid", O_WRONLY);
    char ok = fd >= 0 && write(fd, b, len) == len;
    (void)!write(from_setter[1], &ok, 1);
    if (fd >= 0)
      close(fd);
  }
  _exit(0);
}

static void wait_task_gone(pid_t tid) {
  char path[64];
  snprintf(path, sizeof path, "/proc/self/task/%d", (int)tid);
  while (access(path, F_OK) == 0)
    usleep(1000);
}

static int give_next_tid(pid_t tid) {
  int last = tid - 1;
  char ok = 0;
  if (write(to_setter[1], &last, sizeof last) != sizeof last ||
      read(from_setter[0], &ok, 1) != 1 || !ok) {
    printf("setup: ns_last_pid not set\n");
    return 1;
  }
  return 0;
}
#endif
