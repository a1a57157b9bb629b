/* attacks-dlopen-bounds.test: a program without the system-call filter
 * dlopens argv[1] (the bank of review 10) while a second thread, with
 * key-0 loads and stores only, watches ld.so's list of objects for it and
 * stores the bank's descriptor's data end over its data start (argv[2]:
 * llvm-nm's listing of the object, for the descriptor's offset): data of
 * no length, which gets no key. */
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

static void *attacker(void *unused) {
  (void)unused;
  started = 1;
  while (!done)
    for (struct link_map *m = *(struct link_map *volatile *)&_r_debug.r_map; m;
         m = *(struct link_map *volatile *)&m->l_next) {
      const char *n = *(const char *volatile *)&m->l_name;
      if (n && strcmp(n, path) == 0) {
        /* BH_DOMAIN_DATA_START 24, BH_DOMAIN_DATA_END 32 (abi.h). A store
         * before ld.so relocated the words is undone by the relocation
         * (the file holds the link-time addresses): wait for it. */
        volatile unsigned long *d =
            (volatile unsigned long *)(m->l_addr + offset);
        while (d[4] < m->l_addr && !done)
          sched_yield();
        d[3] = d[4];
        return NULL;
      }
    }
  return NULL;
}

static int run(int argc, char **argv) {
  if (argc < 3)
    return 2;
  path = argv[1];
  FILE *nm = fopen(argv[2], "r");
  char line[256];
  while (nm && fgets(line, sizeof line, nm))
    if (strstr(line, " __bulkhead_domain.bank\n"))
      offset = strtoul(line, NULL, 16);
  if (!offset)
    return 2;
  printf("local: %d\n", local_get());
  pthread_t t;
  pthread_create(&t, NULL, attacker, NULL);
  while (!started)
    sched_yield();
  void *h = dlopen(path, RTLD_NOW);
  done = 1;
  if (!h) {
    printf("dlopen refused: %s\n", dlerror());
    return 1;
  }
  pthread_join(t, NULL);
  long *balance = (long *)dlsym(h, "bank_balance");
  printf("ATTACK SUCCEEDED: the program read the bank's balance: %ld\n",
         *balance);
  return 1;
}

/* In a child: the program's read faulting (the data has its key) is also
 * an outcome wanted. */
int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  pid_t p = fork();
  if (p == 0)
    _exit(run(argc, argv));
  int st;
  waitpid(p, &st, 0);
  if (WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV)
    puts("the program's read faulted: the bank's data has its key");
  else if (WIFSIGNALED(st))
    printf("the child ended with signal %d\n", WTERMSIG(st));
  else
    printf("the child exited with %d\n", WEXITSTATUS(st));
  return 0;
}
