/* The program of the dlopen race attacks (attacks-review10-dlopen-data.test,
 * attacks-dlopen-bounds.test). Built without the system-call filter, it
 * dlopens argv[1] (review 10's bank) while a second thread, with key-0
 * loads and stores only, watches ld.so's list of objects (key-0 memory:
 * the new object is on it once its segments are mapped, before its
 * relocation and initialisation) and calls strike(m, offset) there.
 * argv[2] is llvm-nm's listing of the object, for SYMBOL's offset from its
 * base. The including file defines SYMBOL, strike() and loaded(h), which
 * is run_loaded()'s result. */
#define _GNU_SOURCE
#include <bulkhead.h>
#include <dlfcn.h>
#include <link.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

BULKHEAD_DATA(local) static int local_value = 7;
BULKHEAD_ENTRY(local) int local_get(void) { return local_value; }

static const char *path;
static unsigned long offset;
static volatile int done, started;

static void strike(struct link_map *m, unsigned long offset);
static int loaded(void *h);

static void *attacker(void *unused) {
  (void)unused;
  started = 1;
  while (!done)
    for (struct link_map *m = *(struct link_map *volatile *)&_r_debug.r_map; m;
         m = *(struct link_map *volatile *)&m->l_next) {
      const char *n = *(const char *volatile *)&m->l_name;
      if (n && strcmp(n, path) == 0) {
        strike(m, offset);
        return NULL;
      }
    }
  /* One CPU in the guest: let the loader run until the tick. */
  sched_yield();
  return NULL;
}

/* In a child, so that a fault (the outcome wanted) ends only it. */
static int run_loaded(int argc, char **argv) {
  if (argc < 3)
    return 2;
  path = argv[1];
  FILE *nm = fopen(argv[2], "r");
  char line[256];
  while (nm && fgets(line, sizeof line, nm))
    if (strstr(line, " " SYMBOL "\n"))
      offset = strtoul(line, NULL, 16);
  if (!offset)
    return 2;
  printf("local: %d\n", local_get());
  pthread_t t;
  pthread_create(&t, NULL, attacker, NULL);
  while (!started) /* its start takes the loader's lock: before dlopen */
    sched_yield();
  void *h = dlopen(path, RTLD_NOW);
  done = 1;
  if (!h) {
    printf("dlopen refused: %s\n", dlerror());
    return 1;
  }
  pthread_join(t, NULL);
  return loaded(h);
}

/* The child's end: its status, or -SIG if a signal ended it. */
static int in_child(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  pid_t p = fork();
  if (p == 0)
    _exit(run_loaded(argc, argv));
  int st;
  waitpid(p, &st, 0);
  return WIFSIGNALED(st) ? -WTERMSIG(st) : WEXITSTATUS(st);
}
