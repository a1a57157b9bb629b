// The supervisor's scan of an executable file mapping stops every thread
// of the process (supervisor-exec.c). Here dlopen runs while other threads
// spin, sleep in a read on a pipe (asleep in the kernel: let go when it
// stops), sleep in nanosleep, wait in posix_spawn for a child that loads
// libraries itself, and dlopen too; every library loads, every thread goes
// on afterwards and finishes, and nothing is refused.
// REQUIRES: pku
// RUN: %clang -shared -fPIC -O2 %S/Inputs/clean-lib.c -o %t.clean.so
// RUN: %clang -shared -fPIC -O2 %S/Inputs/clean-lib.c -o %t.clean2.so
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t -lpthread
// RUN: env BULKHEAD_VM_FILES=%t.clean.so:%t.clean2.so:/usr/lib/x86_64-linux-gnu/libz.so.1 %run %t %t.clean.so %t.clean2.so /usr/lib/x86_64-linux-gnu/libz.so.1 > %t.out 2> %t.err
// RUN: FileCheck %s < %t.out
// RUN: FileCheck %s --check-prefix=ERR --allow-empty < %t.err
// CHECK-DAG: main: loaded {{.*}}clean.so: 42
// CHECK-DAG: spinner: done
// CHECK-DAG: reader: read 'x'
// CHECK-DAG: sleeper: done
// CHECK-DAG: spawner: child exited 0
// CHECK-DAG: loader: loaded {{.*}}clean2.so: 42
// CHECK-DAG: loader: loaded {{.*}}libz.so.1
// CHECK: all threads done
// ERR-NOT: denied
#include "Inputs/target.h"
#include <dlfcn.h>
#include <pthread.h>
#include <spawn.h>
#include <time.h>

extern char **environ;
static char **paths;
static int pipefd[2];
static volatile int stop;

static void *spinner(void *arg) {
  (void)arg;
  unsigned long n = 0;
  while (!stop)
    n++;
  printf("spinner: done\n");
  return NULL;
}

static void *reader(void *arg) {
  (void)arg;
  char c = 0;
  if (read(pipefd[0], &c, 1) == 1)
    printf("reader: read '%c'\n", c);
  return NULL;
}

static void *sleeper(void *arg) {
  (void)arg;
  struct timespec t = {0, 300 * 1000 * 1000};
  nanosleep(&t, NULL);
  printf("sleeper: done\n");
  return NULL;
}

/* A child that loads libraries of its own (another program: its mappings
 * go to the supervisor too, which lets them through). */
static void *spawner(void *arg) {
  (void)arg;
  pid_t pid;
  char *argv[] = {"/bin/sh", "-c", "exit 0", NULL};
  int st = -1;
  if (!posix_spawn(&pid, "/bin/sh", NULL, NULL, argv, environ))
    waitpid(pid, &st, 0);
  printf("spawner: child exited %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
  return NULL;
}

static void load(const char *who, const char *path, const char *sym) {
  void *h = dlopen(path, RTLD_NOW);
  void *f = h ? dlsym(h, sym) : NULL;
  if (!f)
    printf("%s: not loaded %s: %s\n", who, path, dlerror());
  else if (!strcmp(sym, "clean_call"))
    printf("%s: loaded %s: %d\n", who, path, ((int (*)(int))f)(41));
  else
    printf("%s: loaded %s\n", who, path);
}

static void *loader(void *arg) {
  (void)arg;
  load("loader", paths[1], "clean_call");
  load("loader", paths[2], "zlibVersion");
  return NULL;
}

int main(int argc, char **argv) {
  if (argc < 4 || pipe(pipefd) || !vault_data_intact())
    return 2;
  paths = argv + 1;
  setvbuf(stdout, NULL, _IOLBF, 0);
  pthread_t t[5];
  void *(*fn[5])(void *) = {spinner, reader, sleeper, spawner, loader};
  for (int i = 0; i < 5; i++)
    if (pthread_create(&t[i], NULL, fn[i], NULL))
      return 3;
  load("main", paths[0], "clean_call");
  stop = 1;
  if (write(pipefd[1], "x", 1) != 1)
    return 4;
  for (int i = 0; i < 5; i++)
    pthread_join(t[i], NULL);
  printf("all threads done\n");
  return 0;
}
