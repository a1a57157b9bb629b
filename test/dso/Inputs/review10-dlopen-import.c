/* review10-dlopen-import.racy: a program without the system-call
 * filter dlopens argv[1] (a vault that calls the program's app_log) while
 * a second thread, with key-0 loads and stores only, finds the object in
 * ld.so's list and moves the name pointer of the vault's import of app_log
 * one byte on ("pp_log", still the object's read-only data) before
 * registration reads it (argv[2]: llvm-nm's listing of the object, for the
 * import's offset). Then app_log, which stores through a key-0 pointer, is
 * pointed at the vault's data and the vault calls it. */
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

long *log_to; /* key 0: where app_log keeps its last value */
void app_log(long x) {
  if (log_to)
    *log_to = x;
}

static const char *path;
static unsigned long offset;
static volatile int done, started;

static void *attacker(void *unused) {
  (void)unused;
  started = 1;
  while (!done) {
    for (struct link_map *m = *(struct link_map *volatile *)&_r_debug.r_map; m;
         m = *(struct link_map *volatile *)&m->l_next) {
      const char *n = *(const char *volatile *)&m->l_name;
      if (n && strcmp(n, path) == 0) {
        /* Relocated by ld.so already (RTLD_NOW), read at registration. */
        char *volatile *name = (char *volatile *)(m->l_addr + offset);
        if (*name) {
          *name += 1;
          return NULL;
        }
      }
    }
    sched_yield(); /* one CPU in the guest: let the loader run */
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
    if (strstr(line, " __bulkhead_import.app_log\n"))
      offset = strtoul(line, NULL, 16);
  if (!offset)
    return 2;
  printf("local: %d\n", local_get());
  pthread_t t;
  pthread_create(&t, NULL, attacker, NULL);
  while (!started) /* its start takes the loader's lock: before dlopen */
    sched_yield();
#ifndef CONTROL
  void *h = dlopen(path, RTLD_NOW);
#else
  done = 1;
  pthread_join(t, NULL);
  void *h = dlopen(path, RTLD_NOW);
#endif
  done = 1;
  if (!h) {
    printf("dlopen refused: %s\n", dlerror());
    return 1;
  }
  pthread_join(t, NULL);
  int (*work)(long) = (int (*)(long))dlsym(h, "vault_work");
  long (*word)(int) = (long (*)(int))dlsym(h, "vault_word");
  void *(*master)(void) = (void *(*)(void))dlsym(h, "vault_master");
  log_to = master(); /* one key-0 store */
  pid_t p = fork();
  if (p == 0) {
    work(0x41);
    _exit(0);
  }
  int st;
  waitpid(p, &st, 0);
  if (WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV) {
    puts("app_log ran with the default domain's rights: it faulted");
    return 0;
  }
  work(0x41);
  long w = word(0);
  printf("the vault's word is %#lx (was 0x1111)\n", w);
  if (w != 0x1111) {
    puts("attacks-review10-dlopen-import: CHANGED: app_log ran with the "
         "vault's rights");
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
    puts("attacks-review10-dlopen-import: ok");
  return st;
}
