// forkpty() works in a program with a compartment, called from the default
// domain and from the vault: its child has the pty's slave on fds 0-2 in a
// new session, and enters the vault. The runtime's forkpty forks through
// the runtime's fork (runtime/spawn.c; glibc's forks inside libc,
// attacks-rev77a-forkpty-handler-list.c). The guest has no devpts: the
// shell mounts it before the program runs.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run /bin/sh -c 'test -e /dev/pts/ptmx || { mkdir -p /dev/pts && mount -t devpts devpts /dev/pts; }; exec "$0" "$@"' %t | FileCheck %s
// CHECK: default child: tty 1, session 1, vault 42
// CHECK-NEXT: default: child exit 0
// CHECK-NEXT: vault child: tty 1, session 1, vault 42
// CHECK-NEXT: vault: child exit 0
// CHECK-NEXT: forkpty: end
#include "Inputs/check.h"
#include <bulkhead.h>
#include <pty.h>
#include <sys/wait.h>

BULKHEAD_DATA(vault) static int answer = 42;

BULKHEAD_ENTRY(vault) int vault_answer(void) { return answer; }

BULKHEAD_ENTRY(vault) int vault_forkpty(int *m) {
  return forkpty(m, NULL, NULL, NULL);
}

/* The child reports through the pty; the parent copies it out. */
static void run(const char *from, int in_vault) {
  int m = -1;
  pid_t p = in_vault ? vault_forkpty(&m) : forkpty(&m, NULL, NULL, NULL);
  CHECK(p >= 0);
  if (p == 0) {
    printf("%s child: tty %d, session %d, vault %d\n", from,
           isatty(0) && isatty(1) && isatty(2), getsid(0) == getpid(),
           vault_answer());
    _exit(0);
  }
  char buf[256];
  for (ssize_t n; (n = read(m, buf, sizeof buf)) > 0;)
    for (ssize_t k = 0; k < n; k++)
      if (buf[k] != '\r')
        putchar(buf[k]);
  int st = 0;
  CHECK(waitpid(p, &st, 0) == p);
  printf("%s: child %s %d\n", from, WIFEXITED(st) ? "exit" : "signal",
         WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
  close(m);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  run("default", 0);
  run("vault", 1);
  puts("forkpty: end");
  return 0;
}
