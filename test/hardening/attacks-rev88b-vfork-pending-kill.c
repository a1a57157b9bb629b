// Review 88b (attacker B, against 130f51a's seize_from_learners): a thread
// waiting in vfork for its child is seized by a scan's freeze
// (supervisor-exec.c) but does not stop (the wait is killable only); it
// counts as asleep harmlessly, and thaw leaves it traced by the
// supervisor (pending) until it stops. A second mapping of code before the
// child ends found it unseizable (EPERM: already traced, by the supervisor
// itself), not held by a learner and no zombie: the supervisor refused the
// mmap and killed the process. Fails closed (nothing read or run), but an
// honest program dies: posix_spawn (CLONE_VFORK) in one thread and two
// dlopens in another. Seen in the guest on 130f51a, 2 of 2 runs (the
// second mapping killed). Fixed: freeze takes a thread still pending from
// an earlier freeze back as seized (2 of 2 runs pass).
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 -pthread %s -o %t
// RUN: %run %t | FileCheck %s
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: map 1: ok
// CHECK: the child ended: exit 0
#define _GNU_SOURCE
#include <bulkhead.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

BULKHEAD_DATA(vault) static int vault_word = 42;
static volatile int spawning;

/* A vfork whose child takes a second before it ends. */
static void *spawner(void *unused) {
  (void)unused;
  spawning = 1;
  if (vfork() == 0) {
    struct timespec ts = {1, 0};
    syscall(SYS_nanosleep, &ts, NULL);
    _exit(0);
  }
  return NULL;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  (void)&vault_word;
  static char dir[] = "/tmp/bh-rev88b-vfork-XXXXXX";
  if (!mkdtemp(dir))
    return perror("mkdtemp"), 1;
  char file[200];
  snprintf(file, sizeof file, "%s/code", dir);
  int c = open(file, O_CREAT | O_WRONLY, 0600);
  unsigned char page[4096];
  memset(page, 0x90, sizeof page); /* nops, and a ret */
  page[4095] = 0xc3;
  if (c < 0 || write(c, page, sizeof page) != (ssize_t)sizeof page)
    return perror("create"), 1;
  close(c);
  pid_t p = fork();
  if (p == 0) {
    int fd = open(file, O_RDONLY);
    pthread_t t;
    pthread_create(&t, NULL, spawner, NULL);
    while (!spawning)
      ;
    usleep(50000); /* in vfork's wait by now */
    for (int i = 0; i < 2; i++) {
      void *m = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
      printf("map %d: %s\n", i, m == MAP_FAILED ? "failed" : "ok");
    }
    pthread_join(t, NULL);
    _exit(0);
  }
  int st = 0;
  waitpid(p, &st, 0);
  if (WIFSIGNALED(st))
    printf("the child ended: signal %d\n", WTERMSIG(st));
  else
    printf("the child ended: exit %d\n", WEXITSTATUS(st));
  if (WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL)
    printf("ATTACK SUCCEEDED: the supervisor killed a process one of whose "
           "threads waited in vfork while another mapped code twice\n");
  unlink(file);
  rmdir(dir);
  return 0;
}
