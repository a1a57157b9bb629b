// Threads and processes started from inside the vault work as before, and the
// C library code that starts them runs with the default domain's rights
// (spawn.c): atfork handlers the pass never saw get the default PKRU, not the
// vault's (they got the vault's before); fork, vfork and _Fork return into
// the vault in parent and child; posix_spawn, posix_spawnp, system and popen
// get arguments, environment, file actions and attributes that live on the
// vault's own stack; pthread_create takes attributes from the vault's stack;
// a SIGEV_THREAD timer made in the vault notifies with the default
// domain's rights (it got the vault's before).
// Once with per-compartment stacks, once without.
// REQUIRES: pku
// RUN: %clang -O2 -c %S/Inputs/uninstrumented.c -o %t.plain.o
// RUN: %bulkhead_clang -fpkey-compartments -O2 -pthread %s %t.plain.o -o %t
// RUN: %run %t | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-compartment-stacks -O2 -pthread %s %t.plain.o -o %t.shared
// RUN: %run %t.shared | FileCheck %s
// CHECK: popen read: popen-from-vault
// CHECK-NEXT: spawn-compartment: ok
#include "Inputs/check.h"
#include <fcntl.h>
#include <pthread.h>
#include <spawn.h>
#include <time.h>

pid_t _Fork(void);
extern uint32_t uninstrumented_prepare_pkru, uninstrumented_parent_pkru,
    uninstrumented_child_pkru;
void uninstrumented_prepare(void);
void uninstrumented_parent(void);
void uninstrumented_child(void);
struct report {
  uint32_t pkru;
  int value;
};
void *uninstrumented_routine(void *p);
extern uint32_t uninstrumented_notify_pkru;
extern volatile int uninstrumented_notify_done;
void uninstrumented_notify(union sigval v);

BULKHEAD_DATA(vault) static int secret = 4242;

static int wait_status(pid_t pid) {
  int status;
  if (pid < 0 || waitpid(pid, &status, 0) != pid)
    return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 100 + WTERMSIG(status);
}

/* kind 0: fork, 1: vfork, 2: _Fork. Both processes must be back in the
 * vault with its rights; the child also checks its atfork handler's PKRU.
 * Returns 0 if all held. */
BULKHEAD_ENTRY(vault) int vault_fork(int kind, uint32_t vault, uint32_t dflt) {
  pid_t pid = kind == 0 ? fork() : kind == 1 ? vfork() : _Fork();
  int here = test_rdpkru() == vault && secret == 4242;
  if (pid == 0)
    _exit(here && (kind != 0 || uninstrumented_child_pkru == dflt) ? 0 : 1);
  int st = wait_status(pid);
  return here && st == 0 ? 0 : st == 0 ? -2 : st;
}

/* Exit status of sh -c 'echo ... >&1; exit $BH_CODE' with BH_CODE=37, all
 * of it (argv, envp, file actions, attributes) on the vault's stack. */
BULKHEAD_ENTRY(vault) int vault_spawn(int search) {
  char code[32], env[16], *argv[] = {"sh", "-c", code, NULL}, *envp[] = {env, NULL};
  snprintf(code, sizeof code, "echo spawned; exit $BH_CODE");
  snprintf(env, sizeof env, "BH_CODE=%d", 37);
  posix_spawn_file_actions_t fa;
  posix_spawnattr_t attr;
  sigset_t none;
  sigemptyset(&none);
  if (posix_spawn_file_actions_init(&fa) ||
      posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0) ||
      posix_spawnattr_init(&attr) || posix_spawnattr_setsigmask(&attr, &none) ||
      posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK))
    return -1;
  pid_t pid = -1;
  int err = search ? posix_spawnp(&pid, "sh", &fa, &attr, argv, envp)
                   : posix_spawn(&pid, "/bin/sh", &fa, &attr, argv, envp);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  return err ? -100 - err : wait_status(pid);
}

BULKHEAD_ENTRY(vault) int vault_system(void) {
  char cmd[16];
  snprintf(cmd, sizeof cmd, "exit %d", 23);
  return system(cmd);
}

/* popen's output, read into the vault's stack, handed out in shared memory. */
BULKHEAD_ENTRY(vault) char *vault_popen(void) {
  char cmd[32], mode[2] = "r", line[64];
  snprintf(cmd, sizeof cmd, "echo popen-from-%s", "vault");
  FILE *f = popen(cmd, mode);
  if (!f)
    return NULL;
  char *got = fgets(line, sizeof line, f);
  int st = pclose(f);
  if (!got || st != 0)
    return NULL;
  line[strcspn(line, "\n")] = 0;
  return bulkhead_shared_strdup(line);
}

/* pthread_create with attributes on the vault's stack. */
BULKHEAD_ENTRY(vault) int vault_thread_attr(struct report *r) {
  pthread_attr_t a;
  pthread_t t;
  if (pthread_attr_init(&a) || pthread_attr_setstacksize(&a, 256 << 10))
    return -1;
  int err = pthread_create(&t, &a, uninstrumented_routine, r);
  pthread_attr_destroy(&a);
  return err ? -1 : pthread_join(t, NULL);
}

/* A one-shot SIGEV_THREAD timer, its attributes on the vault's stack. */
BULKHEAD_ENTRY(vault) int vault_timer(void) {
  pthread_attr_t a;
  struct sigevent ev;
  timer_t t;
  memset(&ev, 0, sizeof ev);
  ev.sigev_notify = SIGEV_THREAD;
  ev.sigev_notify_function = uninstrumented_notify;
  ev.sigev_notify_attributes = &a;
  struct itimerspec when = {.it_value = {.tv_nsec = 1000000}};
  if (pthread_attr_init(&a) || timer_create(CLOCK_MONOTONIC, &ev, &t))
    return -1;
  pthread_attr_destroy(&a);
  return timer_settime(t, 0, &when, NULL);
}

int main(void) {
  uint32_t dflt = bulkhead_domain_pkru(NULL), vault = bulkhead_domain_pkru("vault");
  CHECK(pthread_atfork(uninstrumented_prepare, uninstrumented_parent,
                       uninstrumented_child) == 0);
  fflush(NULL);
  CHECK(vault_fork(0, vault, dflt) == 0);
  /* The handlers the pass never saw ran with the default domain's rights. */
  CHECK(uninstrumented_prepare_pkru == dflt);
  CHECK(uninstrumented_parent_pkru == dflt);
  CHECK(vault_fork(1, vault, dflt) == 0);
  CHECK(vault_fork(2, vault, dflt) == 0);
  CHECK(test_rdpkru() == dflt);

  CHECK(vault_spawn(0) == 37);
  CHECK(vault_spawn(1) == 37);
  int st = vault_system();
  CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 23);
  char *line = vault_popen();
  CHECK(line);
  printf("popen read: %s\n", line);
  free(line);

  /* The same calls from the default domain go straight to libc: vfork is
   * libc's, whose child shares our memory (Linux; not portable). */
  static volatile int in_child;
  pid_t pid = vfork();
  if (pid == 0) {
    in_child = 1;
    _exit(test_rdpkru() == dflt ? 0 : 1);
  }
  CHECK(wait_status(pid) == 0 && in_child == 1);
  st = system("exit 5");
  CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 5);
  char *argv[] = {"sh", "-c", "exit 6", NULL};
  CHECK(posix_spawnp(&pid, "sh", NULL, NULL, argv, NULL) == 0 && wait_status(pid) == 6);
  FILE *p = popen("echo x", "r");
  CHECK(p && fgetc(p) == 'x' && pclose(p) == 0);

  struct report r = {0, 0};
  CHECK(vault_thread_attr(&r) == 0 && r.pkru == dflt);
  CHECK(vault_timer() == 0);
  while (!__atomic_load_n(&uninstrumented_notify_done, __ATOMIC_ACQUIRE))
    usleep(1000);
  CHECK(uninstrumented_notify_pkru == dflt);
  CHECK(test_rdpkru() == dflt);
  printf("spawn-compartment: ok\n");
  return 0;
}
