/* refused-child.h - for attacks on the supervisor's denial line (reviews
 * 44, 45): a fork whose descriptor 2 the attacker chose makes a call the
 * filter refuses, so the supervisor writes the line there and kills it;
 * meanwhile a thread's open shows whether the supervisor still answers. */
#ifndef REFUSED_CHILD_H
#define REFUSED_CHILD_H
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static atomic_int opened; /* 1: the open came back, -1: it failed */

static void *opener(void *arg) {
  (void)arg;
  int fd = open("/dev/null", O_RDONLY);
  atomic_store(&opened, fd >= 0 ? 1 : -1);
  return NULL;
}

/* Fills the pipe fd writes to, then makes its writes block again (the
 * open file is shared); the bytes written. */
static long fill_pipe(int fd) {
  char buf[4096] = {0};
  long filled = 0;
  fcntl(fd, F_SETFL, O_NONBLOCK);
  for (ssize_t k; (k = write(fd, buf, sizeof buf)) > 0 ||
                  (k < 0 && errno != EAGAIN && errno != EINTR);)
    filled += k > 0 ? k : 0;
  for (; write(fd, buf, 1) == 1;)
    filled++;
  fcntl(fd, F_SETFL, 0);
  return filled;
}

/* Reads n bytes of the pipe fd reads from, or up to its end. */
static void drain_pipe(int fd, long n) {
  char buf[65536];
  for (ssize_t k; n > 0 && (k = read(fd, buf, n < (long)sizeof buf
                                                   ? (size_t)n
                                                   : sizeof buf)) > 0;)
    n -= k;
}

/* The child: err_fd as its descriptor 2 (close_fd closed, if >= 0), then
 * a writable and executable mapping, which the filter refuses. */
static pid_t refused_child(int err_fd, int close_fd) {
  pid_t c = fork();
  if (c == 0) {
    dup2(err_fd, 2);
    if (close_fd >= 0)
      close(close_fd);
    mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
         MAP_PRIVATE | MAP_ANONYMOUS, -1, 0); /* refused: the line, death */
    _exit(0);
  }
  return c;
}

/* Starts the opener (thread *t) and waits up to 20 s for it and for the
 * child c's death (*st, *dead). Whether the supervisor stalled: neither
 * came back. */
static int supervisor_stalled(pid_t c, pthread_t *t, int *st, int *dead) {
  usleep(300000);
  pthread_create(t, NULL, opener, NULL);
  for (int i = 0; i < 200 && !(*dead && atomic_load(&opened)); i++) {
    if (!*dead && waitpid(c, st, WNOHANG) == c)
      *dead = 1;
    if (!(*dead && atomic_load(&opened)))
      usleep(100000);
  }
  printf("after the wait: open %s, child %s\n",
         atomic_load(&opened) ? "back" : "not back", *dead ? "dead" : "alive");
  return !atomic_load(&opened) && !*dead;
}

/* Once the supervisor could go on: how the child ended, whether the
 * open worked. */
static void refused_child_report(int st) {
  if (WIFSIGNALED(st))
    printf("child: killed by signal %d\n", WTERMSIG(st));
  else
    printf("child: exit %d\n", WEXITSTATUS(st));
  printf("open after: %s\n", atomic_load(&opened) > 0 ? "ok" : "failed");
}
#endif
