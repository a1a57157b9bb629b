/* attacks-review10-dlopen-data.test: a program without the system-call
 * filter dlopens argv[1] (a bank compartment) while a second thread, with
 * key-0 loads and stores only, watches ld.so's list of objects for it and
 * writes the bank's balance (argv[2]: llvm-nm's listing of the object, for
 * the symbol's offset from its base). */
#define _GNU_SOURCE
#include <bulkhead.h>
#include <dlfcn.h>
#include <link.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

BULKHEAD_DATA(local) static int local_value = 7;
BULKHEAD_ENTRY(local) int local_get(void) { return local_value; }

static const char *path;
static unsigned long offset;
static volatile int done, started;

/* ld.so's list of loaded objects (key-0 memory): the new object is on it
 * once its segments are mapped, before its relocation and initialisation. */
static void *attacker(void *unused) {
  (void)unused;
  started = 1;
  while (!done)
    for (struct link_map *m = *(struct link_map *volatile *)&_r_debug.r_map; m;
         m = *(struct link_map *volatile *)&m->l_next) {
      const char *n = *(const char *volatile *)&m->l_name;
      if (n && strcmp(n, path) == 0) {
        unsigned long target = m->l_addr + offset;
        *(volatile long *)target = 1000000; /* once: after its key, it faults */
        return NULL;
      }
    }
  /* One CPU in the guest: let the loader run until the tick. */
  sched_yield();
  return NULL;
}

static int run(int argc, char **argv) {
  if (argc < 3)
    return 2;
  path = argv[1];
  FILE *nm = fopen(argv[2], "r");
  char line[256];
  while (nm && fgets(line, sizeof line, nm))
    if (strstr(line, " bank_balance\n"))
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
  long (*bank_read)(void) = (long (*)(void))dlsym(h, "bank_read");
  long b = bank_read();
  printf("bank balance: %ld\n", b);
  if (b != 100) {
    printf("attacks-review10-dlopen-data: the bank's data was written before "
           "it got its key\n");
    return 1;
  }
  return 0;
}

/* The attack in a child: if the memory the thread writes is already
 * protected when it finds the object (as it should be), its store faults
 * and ends the child, which is the outcome wanted. */
int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  pid_t p = fork();
  if (p == 0)
    _exit(run(argc, argv));
  int st;
  waitpid(p, &st, 0);
  if (WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV) {
    puts("the thread's store faulted: protected before it found the object");
    st = 0;
  } else if (!WIFEXITED(st)) {
    printf("the child ended with signal %d\n", WTERMSIG(st));
    return 1;
  } else
    st = WEXITSTATUS(st);
  if (!st)
    puts("attacks-review10-dlopen-data: ok");
  return st;
}
