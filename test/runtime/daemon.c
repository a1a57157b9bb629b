// daemon() works in a program with a compartment, called from the default
// domain and from the vault: its child is a new session at / with fds 0-2
// on /dev/null, and enters the vault. The runtime's daemon forks through
// the runtime's fork (runtime/spawn.c; glibc's forks inside libc).
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t | FileCheck %s
// CHECK: default domain: daemon 0, session, at /, fds on /dev/null, vault 42
// CHECK: vault: daemon 0, session, at /, fds on /dev/null, vault 42
// CHECK: daemon: end
#include "Inputs/check.h"
#include <bulkhead.h>
#include <sys/stat.h>
#include <sys/wait.h>

BULKHEAD_DATA(vault) static int answer = 42;

BULKHEAD_ENTRY(vault) int vault_answer(void) { return answer; }

BULKHEAD_ENTRY(vault) int vault_daemon(void) { return daemon(0, 0); }

static int on_null(int fd) {
  struct stat a, b;
  return !fstat(fd, &a) && !stat("/dev/null", &b) && a.st_rdev == b.st_rdev &&
         S_ISCHR(a.st_mode);
}

/* The daemon writes its findings into the pipe; its first parent exits
 * inside daemon. */
static void run(const char *from, int (*become)(void)) {
  int p[2];
  CHECK(pipe(p) == 0);
  pid_t pid = fork();
  CHECK(pid >= 0);
  if (pid == 0) {
    close(p[0]);
    int r = become();
    char cwd[64];
    dprintf(p[1], "%s: daemon %d, %s, at %s, fds %s, vault %d\n", from, r,
            getsid(0) == getpid() ? "session" : "no session",
            getcwd(cwd, sizeof cwd) ? cwd : "?",
            on_null(0) && on_null(1) && on_null(2) ? "on /dev/null" : "kept",
            vault_answer());
    _exit(0);
  }
  close(p[1]);
  int st;
  CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && !WEXITSTATUS(st));
  char line[256];
  ssize_t n = read(p[0], line, sizeof line - 1);
  CHECK(n > 0);
  line[n] = 0;
  fputs(line, stdout);
  close(p[0]);
}

static int plain_daemon(void) { return daemon(0, 0); }

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  run("default domain", plain_daemon);
  run("vault", vault_daemon);
  puts("daemon: end");
  return 0;
}
