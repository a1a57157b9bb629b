// Opens are decided by the supervisor while the caller waits in the
// kernel (docs/hardening.md, "What a program may see differently"). A
// signal whose handler has SA_RESTART ends that wait, and the kernel makes
// the open again: the program sees the open's own result, never EINTR.
// The control, without SA_RESTART, shows that the signals do end such
// waits: some opens fail with EINTR there (documented).
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 -pthread %s -o %t
// RUN: %run %t | FileCheck %s
// CHECK: opens: 3000 answered ENOENT, 3000 answered, 0 EINTR
// CHECK: signals delivered: yes
// CHECK: open-signals-restart: done
// RUN: %run %t norestart | FileCheck %s --check-prefix=CONTROL
// CONTROL: opens: {{[0-9]+}} answered ENOENT, 3000 answered, {{[1-9][0-9]*}} EINTR
#define _GNU_SOURCE
#include <bulkhead.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

BULKHEAD_DATA(vault) static long secret = 41;
BULKHEAD_ENTRY(vault) long vault_get(void) { return secret + 1; }

static _Atomic pid_t target;
static _Atomic int stop, delivered;

static void on_signal(int sig) {
  (void)sig;
  delivered = 1;
}

static void *signaller(void *arg) {
  (void)arg;
  while (!stop)
    syscall(SYS_tgkill, getpid(), target, SIGUSR1);
  return NULL;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sa.sa_flags = argc > 1 && !strcmp(argv[1], "norestart") ? 0 : SA_RESTART;
  sigaction(SIGUSR1, &sa, NULL);
  if (vault_get() != 42)
    puts("the vault did not answer");
  target = (pid_t)syscall(SYS_gettid);
  pthread_t s;
  pthread_create(&s, NULL, signaller, NULL);
  int enoent = 0, eintr = 0, n = 3000;
  for (int i = 0; i < n; i++) {
    int fd = open("/nonexistent/bulkhead-open-signals", O_RDONLY);
    if (fd >= 0)
      close(fd);
    else
      enoent += errno == ENOENT, eintr += errno == EINTR;
  }
  stop = 1;
  pthread_join(s, NULL);
  printf("opens: %d answered ENOENT, %d answered, %d EINTR\n", enoent, n,
         eintr);
  printf("signals delivered: %s\n", delivered ? "yes" : "no");
  puts("open-signals-restart: done");
  return 0;
}
