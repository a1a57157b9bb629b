// Review 42, attacker model B (the default domain's program counter, any
// system call the filter allows) in a program started as root that gave
// up root (setresuid to nobody, as daemons do): the supervisor stays
// root, and the denial line's fallback (a0ad5e6, bh_supervisor_say)
// opens /proc/<tid>/fd/2 again for writing with root's rights, not the
// caller's. So the program, as nobody, appends to any file it may read:
// a root-owned file of mode 0644 (/etc/passwd is one) held read-only as
// descriptor 2. Review 36 made the supervisor's opens take the caller's
// credentials (take_credentials) for this reason; the say fallback does
// not.
//
// How: main (root) makes /tmp/rev42-root-only, root's, 0644; a fork
// gives up root (setgroups, setresgid, setresuid 65534), makes a thread
// and ends its main thread with pthread_exit (pidfd_getfd of the leader's
// descriptor 2 then fails); the thread opens the file read-only as
// descriptor 2 (a write open fails: EACCES, printed) and makes a call the
// supervisor refuses (an anonymous rwx mmap). The line lands in root's
// file. Its text is "bulkhead: denied: ..." with the call's arguments;
// an open's denial carries the caller's path, which may hold newlines
// (a line of the attacker's choosing in /etc/passwd: reasoned, not run).
//
// The control: the fork's main thread stays (pause): the line goes to
// the read-only descriptor through pidfd_getfd, and the write fails.
//
// Seen in the guest (root, then nobody; 3 runs of 3): ATTACK SUCCEEDED.
//
// Suggested fix: as in attacks-rev42-say-modprobe.c: never open the
// file again (write through a descriptor the caller holds, or no line);
// a reopen must be made with the caller's credentials.
//
// Fixed (2035e2c, before this test was merged): the fallback is gone; the
// supervisor writes a denial's line only through a descriptor the caller
// holds (pidfd_getfd), else none.
// REQUIRES: pku
// RUN: rm -rf %t && mkdir %t
// RUN: %bulkhead_clang -fpkey-compartments -O1 %s -o %t/prog -lpthread
// RUN: %run %t/prog control > %t/control.out 2>&1 || true
// RUN: FileCheck %s --check-prefix=CONTROL < %t/control.out
// RUN: %run %t/prog attack > %t/out 2>&1 || true
// RUN: FileCheck %s < %t/out
// CONTROL: uid 0
// CONTROL: open for writing as nobody: Permission denied
// CONTROL: root's file unchanged
// CONTROL-NOT: ATTACK SUCCEEDED
// CHECK: uid 0
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: root's file unchanged
// CHECK-NOT: ATTACK SUCCEEDED
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bulkhead.h>

BULKHEAD_DATA(vault) static char secret[32] = "TOP-SECRET-VAULT-KEY";
BULKHEAD_ENTRY(vault) int vault_len(void) { return (int)strlen(secret); }

static const char *file = "/tmp/rev42-root-only";
static int control;

#include "Inputs/leader-gone.h"

static void *denier(void *arg) {
  (void)arg;
  for (int i = 0; i < 5000 && !control && !leader_gone(); i++)
    usleep(1000);
  int w = open(file, O_WRONLY | O_APPEND);
  printf("uid %d; open for writing as nobody: %s\n", (int)getuid(),
         w < 0 ? strerror(errno) : "opened");
  int fd = open(file, O_RDONLY);
  if (fd < 0 || dup2(fd, 2) != 2)
    _exit(4);
  mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  _exit(3); /* not reached: the supervisor kills the process */
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  printf("uid %d\nvault says %d\n", (int)getuid(), vault_len());
  if (argc < 2)
    return 2;
  control = !strcmp(argv[1], "control");
  const char *text = "root's file\n";
  unlink(file);
  int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
    printf("cannot make %s: %s\n", file, strerror(errno));
  if (fd >= 0)
    close(fd);
  pid_t child = fork();
  if (child == 0) {
    if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
        setresuid(65534, 65534, 65534)) {
      printf("cannot give up root: %s\n", strerror(errno));
      _exit(5);
    }
    pthread_t t;
    pthread_create(&t, NULL, denier, NULL);
    if (control)
      for (;;)
        pause();
    pthread_exit(NULL);
  }
  int st;
  waitpid(child, &st, 0);
  printf("child ended by signal %d\n", WIFSIGNALED(st) ? WTERMSIG(st) : 0);
  char now[4096] = {0};
  fd = open(file, O_RDONLY);
  ssize_t n = fd < 0 ? -1 : read(fd, now, sizeof now - 1);
  if (fd >= 0)
    close(fd);
  now[n > 0 ? n : 0] = 0;
  if (!strcmp(now, text))
    printf("root's file unchanged\n");
  else if (strstr(now, "bulkhead: denied"))
    printf("ATTACK SUCCEEDED: nobody appended to root's file:\n%s", now);
  else
    printf("root's file now: %s\n", now);
  unlink(file);
  return 0;
}
