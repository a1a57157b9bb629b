/* check.h - assertions for runtime tests on real protection keys. A check
 * that fails prints where and exits 1; faults are provoked in a forked child
 * so that the parent's PKRU is never disturbed. */
#ifndef BULKHEAD_TEST_CHECK_H
#define BULKHEAD_TEST_CHECK_H
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <bulkhead.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SEGV_PKUERR
#define SEGV_PKUERR 4
#endif

#define CHECK(cond)                                                            \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      exit(1);                                                                 \
    }                                                                          \
  } while (0)

static inline uint32_t test_rdpkru(void) {
  uint32_t eax, edx;
  __asm__ volatile("rdpkru" : "=a"(eax), "=d"(edx) : "c"(0));
  return eax;
}

/* How a call ended in the child: signo 0 means it returned normally. */
struct outcome {
  int signo, code, pkey;
  uintptr_t addr;
};

static int outcome_fd;
static void record_fault(int sig, siginfo_t *si, void *uc) {
  (void)uc;
  struct outcome o = {sig, si->si_code, (int)si->si_pkey, (uintptr_t)si->si_addr};
  if (write(outcome_fd, &o, sizeof o) != sizeof o)
    _exit(3);
  _exit(0);
}

/* Runs fn(arg) in a child process and reports how it ended. */
static inline struct outcome run_in_child(void (*fn)(void *), void *arg) {
  int fds[2];
  CHECK(pipe(fds) == 0);
  fflush(NULL);
  pid_t pid = fork();
  CHECK(pid >= 0);
  if (pid == 0) {
    outcome_fd = fds[1];
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = record_fault;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &sa, NULL);
    fn(arg);
    struct outcome none = {0, 0, 0, 0};
    _exit(write(fds[1], &none, sizeof none) == sizeof none ? 0 : 3);
  }
  close(fds[1]);
  struct outcome o;
  CHECK(read(fds[0], &o, sizeof o) == sizeof o);
  close(fds[0]);
  int status;
  CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
  return o;
}

/* Runs scene() in a forked child and prints how the child ended,
 * "child: exit N" or "child: signal N": an attack scene that may leave
 * the process unfit to go on (two threads on one vault stack). */
static inline void run_scene_in_child(int (*scene)(void)) {
  fflush(NULL);
  pid_t p = fork();
  CHECK(p >= 0);
  if (p == 0)
    _exit(scene());
  int st = 0;
  CHECK(waitpid(p, &st, 0) == p);
  printf("child: %s %d\n", WIFEXITED(st) ? "exit" : "signal",
         WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
}

/* The protection key the kernel has on the page holding `p`, read from
 * /proc/self/smaps: a view of the tagging independent of the runtime. */
static inline int page_pkey(const void *p) {
  FILE *f = fopen("/proc/self/smaps", "r");
  CHECK(f);
  char line[256];
  int in = 0, key = -1;
  uintptr_t a = (uintptr_t)p;
  while (fgets(line, sizeof line, f)) {
    unsigned long lo, hi;
    if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 && strchr(line, '-') < strchr(line, ' '))
      in = a >= lo && a < hi;
    else if (in && sscanf(line, "ProtectionKey: %d", &key) == 1)
      break;
  }
  fclose(f);
  return key;
}

/* The mapping that holds address A, from /proc/self/maps: its bounds in
 * *lo and *hi; the check fails if there is none. */
static inline void mapping_of(uintptr_t a, uintptr_t *lo, uintptr_t *hi) {
  FILE *f = fopen("/proc/self/maps", "r");
  CHECK(f);
  *lo = *hi = 0;
  for (char line[256]; fgets(line, sizeof line, f);) {
    unsigned long x, y;
    if (sscanf(line, "%lx-%lx", &x, &y) == 2 && x <= a && a < y)
      *lo = x, *hi = y;
  }
  fclose(f);
  CHECK(*lo);
}

/* The first page of a mapping of the file whose name contains OBJECT that
 * carries key KEY (a library's globals, not exported), from smaps; NULL if
 * none. */
static inline const void *object_page_with_key(const char *object, int key) {
  FILE *f = fopen("/proc/self/smaps", "r");
  CHECK(f);
  char line[512];
  unsigned long start = 0, lo, hi;
  int in_object = 0, k;
  const void *found = NULL;
  while (!found && fgets(line, sizeof line, f)) {
    if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 &&
        strchr(line, '-') < strchr(line, ' ')) {
      start = lo; /* a mapping's first line */
      in_object = strstr(line, object) != NULL;
    } else if (in_object && sscanf(line, "ProtectionKey: %d", &k) == 1 &&
               k == key) {
      found = (const void *)start;
    }
  }
  fclose(f);
  return found;
}

/* PKRU bits of one key: access-disable and write-disable. */
#define KEY_BITS(k) (3u << (2 * (k)))

/* Runs attack() in a child and judges it: a child that died of SIGSEGV
 * met a protection-key fault, the compartment's memory staying put (the
 * fault reporter has said where); otherwise its exit status. */
static inline int attack_in_child(const char *name, int (*attack)(void)) {
  fflush(NULL);
  pid_t pid = fork();
  CHECK(pid >= 0);
  if (pid == 0)
    exit(attack());
  int st;
  CHECK(waitpid(pid, &st, 0) == pid);
  if (WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV) {
    printf("%s: ok (stopped by a fault on the compartment's memory)\n", name);
    return 0;
  }
  CHECK(WIFEXITED(st));
  return WEXITSTATUS(st);
}

#endif
