// Review 41's last open part (a regression, not an attack): the line of a
// denial made for a process whose main thread has ended (pthread_exit, a
// zombie leader while other threads run). The supervisor writes its line
// through the caller's descriptor 2, taken with pidfd_getfd of the
// process, which reads the leader's descriptor table, gone with it: such
// a process died at a refused call without a line (seen in the guest,
// h-zombie, 3 runs of 3). Reopening /proc/<tid>/fd/2 as the supervisor
// instead wrote to any file the caller held there, read-only too (review
// 42, attacks-rev42-say-*.c).
//
// What it checks now: one fork per kind of descriptor 2, whose main
// thread ends with pthread_exit; its other thread makes a call the
// supervisor refuses (the process dies), and main (alive, the parent)
// reads what reached the descriptor:
//  - pipe: a pipe (what lit gives), a dlopen of a library with a stray
//    WRPKRU (the executable-mapping path's line);
//  - file: a regular file open for writing, an anonymous mapping
//    writable and executable (the refusal's line, deny);
//  - pty: a pseudo-terminal's slave, the same mapping;
//  - readonly: a root-owned file of mode 0644, held read-only as
//    descriptor 2 by a fork that gave up root (nobody): no line, and the
//    file is unchanged.
//
// Seen in the guest before the fix (h-zline, 3 runs of 3): pipe, file
// and pty "no line"; readonly "no line", "file unchanged". With the fix
// but its fdinfo and credentials checks taken out (tried once):
// readonly "line", "file changed".
//
// Fixed (h-zline): where pidfd_getfd finds no descriptor 2, the
// supervisor's writing child opens the caller thread's own descriptor 2
// again (/proc/<tid>/fd/2, supervisor-open.c bh_caller_line_fd): only if
// the caller's descriptor is open for writing, with the caller's
// credentials, only a regular file, a FIFO or pipe, or a pseudo-terminal
// or virtual console, and only the inode and mount its fdinfo named,
// without blocking (O_NONBLOCK, and a second at most as before).
// REQUIRES: pku
// RUN: rm -rf %t && mkdir -p %t
// RUN: %clang -O2 -shared -fPIC %S/Inputs/stray-wrpkru.c -o %t/libstray.so
// RUN: %clang -DLAUNCHER -O1 %s -o %t/launch
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t/prog -lpthread -ldl
// RUN: env BULKHEAD_VM_FILES=%t/libstray.so:%t/prog %run %t/launch %t/prog %t/libstray.so > %t/out 2>&1
// RUN: FileCheck %s < %t/out
// CHECK: vault ok: 1
// CHECK: pipe: main thread gone: yes
// CHECK-NEXT: pipe: killed by signal 9
// CHECK-NEXT: pipe: line: bulkhead: denied: mmap({{.*}}) of "{{.*}}libstray.so" from the default domain, in process {{[0-9]+}} (thread {{[0-9]+}}) — the file holds WRPKRU bytes
// CHECK: file: main thread gone: yes
// CHECK-NEXT: file: killed by signal 9
// CHECK-NEXT: file: line: bulkhead: denied: mmap(0x0, 0x1000, 0x7, 0x22, {{.*}}) from the default domain, in process {{[0-9]+}} (thread {{[0-9]+}}) — {{.+}}
// CHECK: pty: main thread gone: yes
// CHECK-NEXT: pty: killed by signal 9
// CHECK-NEXT: pty: line: bulkhead: denied: mmap(0x0, 0x1000, 0x7, 0x22, {{.*}}) from the default domain, in process {{[0-9]+}} (thread {{[0-9]+}}) — {{.+}}
// CHECK: readonly: uid 65534, open for writing: Permission denied
// CHECK-NEXT: readonly: main thread gone: yes
// CHECK-NEXT: readonly: killed by signal 9
// CHECK-NEXT: readonly: no line
// CHECK-NEXT: readonly: file unchanged
// CHECK: done
#define _GNU_SOURCE
#ifdef LAUNCHER
/* Mounts devpts (the guest boots without it; the program's own mount
 * would be refused), then runs the program. */
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>
int main(int argc, char **argv) {
  (void)argc;
  mkdir("/dev/pts", 0755);
  mount("devpts", "/dev/pts", "devpts", 0, "ptmxmode=0666");
  execv(argv[1], argv + 1);
  perror("launch: execv");
  return 1;
}
#else
#include <bulkhead.h>
#include <dlfcn.h>
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

BULKHEAD_DATA(vault) static char vault_data[4096]
    __attribute__((aligned(4096))) = "x";
BULKHEAD_ENTRY(vault) int vault_ok(void) { return vault_data[0] == 'x'; }

#include "Inputs/leader-gone.h"

static const char *lib, *kind;
static const char *ro_file = "/tmp/rev41-line-readonly";
static const char *ro_text = "root's file\n";
static int err_fd = -1; /* what becomes descriptor 2 */

/* The fork's other thread: descriptor 2 becomes err_fd (or, readonly,
 * root's file read-only), then a call the supervisor refuses. */
static void *worker(void *arg) {
  (void)arg;
  for (int i = 0; i < 5000 && !leader_gone(); i++)
    usleep(1000);
  if (!strcmp(kind, "readonly")) {
    int w = open(ro_file, O_WRONLY | O_APPEND);
    printf("readonly: uid %d, open for writing: %s\n", (int)getuid(),
           w < 0 ? strerror(errno) : "opened");
    err_fd = open(ro_file, O_RDONLY);
  }
  if (err_fd < 0 || dup2(err_fd, 2) != 2)
    _exit(4);
  printf("%s: main thread gone: %s\n", kind, leader_gone() ? "yes" : "no");
  if (!strcmp(kind, "pipe"))
    dlopen(lib, RTLD_NOW);
  else
    mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
         MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  printf("%s: not killed\n", kind);
  _exit(3);
}

static void child(void) {
  if (!strcmp(kind, "readonly") &&
      (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
       setresuid(65534, 65534, 65534))) {
    printf("readonly: cannot give up root: %s\n", strerror(errno));
    _exit(5);
  }
  pthread_t t;
  pthread_create(&t, NULL, worker, NULL);
  pthread_exit(NULL);
}

/* Runs one kind; from = the descriptor main reads the line from (-1:
 * the file ro_file). */
static void run(const char *k, int from) {
  kind = k;
  pid_t c = fork();
  if (c == 0)
    child();
  if (err_fd >= 0 && err_fd != from)
    close(err_fd);
  int st = 0;
  waitpid(c, &st, 0);
  printf("%s: killed by signal %d\n", k, WIFSIGNALED(st) ? WTERMSIG(st) : 0);
  char buf[4096] = {0};
  ssize_t n = -1;
  if (from >= 0) {
    fcntl(from, F_SETFL, O_NONBLOCK);
    n = read(from, buf, sizeof buf - 1);
  } else {
    int fd = open(ro_file, O_RDONLY);
    n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
    if (fd >= 0)
      close(fd);
  }
  buf[n > 0 ? n : 0] = 0;
  if (from < 0) {
    printf("readonly: %s\n", strstr(buf, "bulkhead") ? "line" : "no line");
    printf("readonly: %s\n", !strcmp(buf, ro_text) ? "file unchanged"
                                                   : "file changed");
    return;
  }
  char *s, *d;
  for (s = d = buf; *s; s++) /* a terminal's \r\n */
    if (*s != '\r')
      *d++ = *s;
  *d = 0;
  printf("%s: %s%s", k, *buf ? "line: " : "no line\n", buf);
  close(from);
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  lib = argc > 1 ? argv[1] : "";
  printf("vault ok: %d\n", vault_ok());

  int p[2];
  if (pipe(p))
    return 1;
  err_fd = p[1];
  run("pipe", p[0]);

  char name[] = "/tmp/rev41-line-file-XXXXXX";
  err_fd = mkstemp(name);
  int r = open(name, O_RDONLY);
  unlink(name);
  run("file", r);

  int master = posix_openpt(O_RDWR | O_NOCTTY);
  if (master < 0 || grantpt(master) || unlockpt(master))
    perror("pty");
  err_fd = master >= 0 ? open(ptsname(master), O_RDWR | O_NOCTTY) : -1;
  run("pty", master);

  unlink(ro_file);
  int fd = open(ro_file, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0 || write(fd, ro_text, strlen(ro_text)) != (ssize_t)strlen(ro_text))
    printf("cannot make %s: %s\n", ro_file, strerror(errno));
  if (fd >= 0)
    close(fd);
  err_fd = -1;
  run("readonly", -1);
  unlink(ro_file);
  printf("done\n");
  return 0;
}
#endif
