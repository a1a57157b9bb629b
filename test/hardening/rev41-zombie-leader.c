// Review 41 (a regression, not an attack): the supervisor reads a caller
// through /proc/<tgid> (struct caller's pdir: descriptors, the caller's
// own links; pidfd_open(tgid) for ftruncate and executable mappings). A
// process's main thread that ended with pthread_exit stays a zombie while
// other threads run, and its /proc/<tgid>/fd, cwd and root, and the files
// pidfd_getfd reads through it, are gone. So every other thread of such a
// program loses: openat(dirfd, relative) fails with EBADF, ftruncate
// with EPERM, and dlopen (mmap with PROT_EXEC of a file) kills the
// process with SIGKILL and no line. Without the filter
// (-fno-pkey-syscall-filter, in the guest) all three work. (An open of
// /proc/self/fd/<n>/name fails there too, ENOENT: the kernel's /proc/self
// is the zombie leader; printed, not checked.)
//
// Seen in the guest (lit, 3 runs of 3): "openat(dirfd, relative): Bad
// file descriptor", "ftruncate: Operation not permitted", then SIGKILL at
// the dlopen. The control (the main thread joins instead of exiting)
// passes every line.
//
// Suggested fix: read the caller's process through its own thread where
// the process's leader may be gone: /proc/<tid> (the caller's directory,
// c->dir) has fd, cwd and root of the thread's shared tables; and take
// descriptors with a pidfd of the thread (PIDFD_THREAD, Linux 6.9) or
// through /proc/<tid>/fd/<n>; the exec path's freeze must pass over a
// zombie leader (it runs no code) and say why when it gives up.
//
// Since (the lead, after the review): openat(dirfd) works (the dirfd is
// looked up in the caller thread's own table, /proc/<tid>/fd). Since
// (h-zombie): ftruncate and dlopen work too. Where pidfd_getfd of the
// process fails because its leader has ended, the supervisor opens the
// caller's file again through the caller thread's own table
// (/proc/<tid>/fd/<n>, bh_take_caller_fd): with the caller's credentials,
// never with more access than the caller's descriptor has (its fdinfo's
// flags: "ftruncate read-only" must still fail, EINVAL as the kernel
// answers), only a regular file, and only the inode and mount its fdinfo
// named. The exec path's freeze passes over the zombie leader (it runs no
// code). Not here: the denial's line, which the supervisor wrote only
// through the leader's descriptor 2; since h-zline through the caller
// thread's own opened again under the same rules
// (rev41-zombie-leader-line.c).
// REQUIRES: pku
// RUN: rm -rf %t && mkdir -p %t
// RUN: %clang -O1 -shared -fPIC %S/Inputs/rev41-plain-lib.c -o %t/libplain.so
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t/prog -lpthread -ldl
// RUN: env BULKHEAD_VM_FILES=%t/libplain.so %run %t/prog %t/libplain.so join > %t/control 2>&1
// RUN: FileCheck %s --check-prefixes=CHECK,JOIN < %t/control
// RUN: env BULKHEAD_VM_FILES=%t/libplain.so %run %t/prog %t/libplain.so > %t/out 2>&1 || true
// RUN: FileCheck %s --check-prefixes=CHECK,GONE < %t/out
// The reopen scans what it maps: a library with a stray WRPKRU is still
// refused (the process dies at its dlopen) with the leader gone.
// RUN: %clang -O2 -shared -fPIC %S/Inputs/stray-wrpkru.c -o %t/libstray.so
// RUN: env BULKHEAD_VM_FILES=%t/libstray.so %run %t/prog %t/libstray.so > %t/stray 2>&1 || true
// RUN: FileCheck %s --check-prefix=STRAY < %t/stray
// STRAY: main thread gone: yes
// STRAY: ftruncate: ok
// STRAY-NOT: dlopen:
// JOIN: main thread gone: no
// GONE: main thread gone: yes
// CHECK: open /tmp/name (absolute): ok
// CHECK: openat(dirfd, relative): ok
// CHECK: ftruncate: ok
// CHECK: ftruncate read-only: Invalid argument
// CHECK: size after: 10
// CHECK: dlopen: ok
#define _GNU_SOURCE
#include <bulkhead.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

BULKHEAD_DATA(vault) static char vault_data[4096]
    __attribute__((aligned(4096))) = "x";
BULKHEAD_ENTRY(vault) int vault_ok(void) { return vault_data[0] == 'x'; }

static const char *lib;
static pthread_t leader;
static int joins;

static void say(const char *what, int r) {
  printf("%s: %s\n", what, r < 0 ? strerror(errno) : "ok");
}

#include "Inputs/leader-gone.h"

/* Whether the main thread is a zombie (or, joining, just running). */
static int leader_ready(void) { return joins || leader_gone(); }

static void *worker(void *arg) {
  (void)arg;
  for (int i = 0; i < 5000 && !leader_ready(); i++)
    usleep(1000);
  printf("main thread gone: %s\n", leader_ready() && !joins ? "yes" : "no");
  int d = open("/tmp", O_RDONLY | O_DIRECTORY);
  say("open /tmp", d);
  char name[64], p[128];
  snprintf(name, sizeof name, "rev41-zombie-%d", getpid());
  snprintf(p, sizeof p, "/tmp/%s", name);
  int a = open(p, O_RDWR | O_CREAT, 0600);
  say("open /tmp/name (absolute)", a);
  say("openat(dirfd, relative)", openat(d, name, O_RDONLY));
  snprintf(p, sizeof p, "/proc/self/fd/%d/%s", d, name);
  say("open /proc/self/fd/N/name", open(p, O_RDONLY));
  say("ftruncate", a < 0 ? a : ftruncate(a, 10));
  snprintf(p, sizeof p, "/tmp/%s", name);
  int r = open(p, O_RDONLY);
  say("ftruncate read-only", r < 0 ? r : ftruncate(r, 0));
  struct stat st;
  printf("size after: %lld\n",
         a < 0 || fstat(a, &st) ? -1LL : (long long)st.st_size);
  unlink(p);
  void *h = dlopen(lib, RTLD_NOW);
  printf("dlopen: %s\n", h ? "ok" : dlerror());
  exit(0);
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  lib = argc > 1 ? argv[1] : "";
  joins = argc > 2;
  printf("vault ok: %d\n", vault_ok());
  pthread_t t;
  leader = pthread_self();
  pthread_create(&t, NULL, worker, NULL);
  if (joins)
    pthread_join(t, NULL);
  pthread_exit(NULL);
}
