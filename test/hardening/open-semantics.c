// The supervisor opens every file for the program (runtime/supervisor-
// open.c); a program must not notice, except for the memory files it may
// no longer open. This checks that opens made that way mean what the
// kernel's own would:
//  - relative paths from the working directory and from a directory
//    descriptor; absolute paths; O_CREAT with the caller's umask, O_EXCL,
//    O_CLOEXEC kept or not as asked; errors (ENOENT, EEXIST, EBADF);
//  - /dev/stdin, /proc/self/fd/N and /proc/self/status name the caller;
//  - a FIFO opened for reading waits for a writer without holding up an
//    open made meanwhile by another thread (the writer); also when its
//    path lies in the vault's memory (review 21: it failed with EFAULT,
//    the FIFO's own thread finding the caller's PKRU already used);
//  - the caller's O_NONBLOCK is kept, and an open without it has none
//    (the supervisor's loop adds it, and takes it off again);
//  - a file the program holds a lease on opens once the lease is given
//    up, also by a path in the vault's memory (the loop's O_NONBLOCK open
//    fails with EWOULDBLOCK and the open goes on in a thread of its own,
//    with the PKRU learnt: review 21, attacks-rev21-lease-blocks-loop.c);
//  - /dev/tty (a device: opened in a thread of its own) answers as the
//    kernel would (ENXIO without a controlling terminal, as in the guest);
//  - an open whose path lies in a compartment's memory works for the
//    compartment (the supervisor learns the caller's PKRU by stopping it,
//    and the kernel makes the interrupted call again) and fails with EFAULT
//    for the default domain, as the kernel's own would: the supervisor
//    does not read compartment memory for whoever asks
//    (runtime/attacks-spawn-actions.c).
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 -pthread %s -o %t
// RUN: %run %t | FileCheck %s
// CHECK: relative: ok
// CHECK: dirfd: ok
// CHECK: umask: 0600
// CHECK: excl: File exists
// CHECK: missing: No such file or directory
// CHECK: bad dirfd: Bad file descriptor
// CHECK: cloexec: 1 0
// CHECK: stdin: ok
// CHECK: self fd: ok
// CHECK: self status: ok
// CHECK: fifo: ok
// CHECK: fifo, compartment path: ok
// CHECK: nonblock: 1 0
// CHECK: leased: ok
// CHECK: leased, compartment path: ok
// CHECK: tty: {{ok|No such device or address}}
// CHECK: compartment path, from the vault: opened
// CHECK: compartment path, from the default domain: Bad address
// CHECK: open-semantics: done
#include "Inputs/target.h"
#include <pthread.h>
#include <sys/stat.h>

static char dir[] = "/tmp/bh-open-XXXXXX";

static void *fifo_writer(void *path) {
  usleep(100000); /* the reader is waiting by now */
  int fd = open(path, O_WRONLY);
  if (fd >= 0) {
    write(fd, "x", 1);
    close(fd);
  }
  return NULL;
}

BULKHEAD_DATA(vault) static char vault_path[64] = "/proc/self/status";
BULKHEAD_ENTRY(vault) int vault_open(void) {
  int fd = open(vault_path, O_RDONLY);
  return fd < 0 ? -errno : fd;
}
BULKHEAD_DATA(vault) static char vault_fifo[128];
BULKHEAD_ENTRY(vault) int vault_read_fifo(const char *path) {
  snprintf(vault_fifo, sizeof vault_fifo, "%s", path);
  int fd = open(vault_fifo, O_RDONLY); /* waits for the writer's open */
  char c = 0;
  int ok = fd >= 0 && read(fd, &c, 1) == 1 && c == 'x';
  if (fd >= 0)
    close(fd);
  return ok ? 0 : fd < 0 ? -errno : -EIO;
}
BULKHEAD_ENTRY(vault) int vault_open_leased(const char *path) {
  snprintf(vault_fifo, sizeof vault_fifo, "%s", path);
  int fd = open(vault_fifo, O_RDONLY); /* waits for the lease's end */
  if (fd >= 0)
    close(fd);
  return fd < 0 ? -errno : 0;
}

static volatile sig_atomic_t lease_broken;
static void on_sigio(int sig) {
  (void)sig;
  lease_broken = 1;
}
static int leased_result;
static void *open_leased(void *path) {
  int fd = open(path, O_RDONLY);
  leased_result = fd < 0 ? -errno : 0;
  if (fd >= 0)
    close(fd);
  return NULL;
}
static void *vault_open_leased_thread(void *path) {
  leased_result = vault_open_leased(path);
  return NULL;
}

/* Opens path in a thread (by opener) while this thread holds a write lease
 * on it, gives the lease up once the open began breaking it: 0, or the
 * opener's -errno. SIGIO comes to this thread only. */
static int open_under_lease(const char *path, void *(*opener)(void *)) {
  int l = open(path, O_CREAT | O_RDWR, 0600);
  lease_broken = 0;
  leased_result = -EIO;
  if (l < 0 || fcntl(l, F_SETOWN, getpid()))
    return -errno;
  /* A write lease needs the file open nowhere else: the supervisor closes
   * its own copy of the last open's file just after handing it over. */
  int err = EAGAIN;
  for (int i = 0; i < 500 && err == EAGAIN; i++)
    if ((err = fcntl(l, F_SETLEASE, F_WRLCK) ? errno : 0) == EAGAIN)
      usleep(10000);
  if (err) {
    close(l);
    return printf("no lease: %s\n", strerror(err)), -err;
  }
  sigset_t io, old;
  sigemptyset(&io);
  sigaddset(&io, SIGIO);
  pthread_sigmask(SIG_BLOCK, &io, &old);
  pthread_t t;
  pthread_create(&t, NULL, opener, (void *)path);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  for (int i = 0; i < 1000 && !lease_broken; i++)
    usleep(10000);
  fcntl(l, F_SETLEASE, F_UNLCK);
  pthread_join(t, NULL);
  close(l);
  return lease_broken ? leased_result : -ETIMEDOUT;
}

/* Default-domain code: handing out the address is not reading it. */
static char *vault_path_address(void) { return vault_path; }

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0); /* a hang shows where */
  vault_block = vault_new_block();
  if (!mkdtemp(dir) || chdir(dir))
    return 1;
  int fd = open("rel", O_CREAT | O_WRONLY, 0666);
  struct stat st;
  printf("relative: %s\n", fd >= 0 && !stat("/tmp", &st) && !access("rel", F_OK) ? "ok" : "bad");
  close(fd);
  int d = open(dir, O_DIRECTORY | O_RDONLY);
  fd = openat(d, "rel", O_RDONLY);
  printf("dirfd: %s\n", fd >= 0 ? "ok" : strerror(errno));
  close(fd);
  umask(077);
  fd = open("masked", O_CREAT | O_WRONLY, 0666);
  fstat(fd, &st);
  printf("umask: %04o\n", st.st_mode & 0777);
  close(fd);
  printf("excl: %s\n", open("masked", O_CREAT | O_EXCL | O_WRONLY, 0600) < 0 ? strerror(errno) : "opened");
  printf("missing: %s\n", open("no-such-file", O_RDONLY) < 0 ? strerror(errno) : "opened");
  printf("bad dirfd: %s\n", openat(999, "rel", O_RDONLY) < 0 ? strerror(errno) : "opened");
  int a = open("rel", O_RDONLY | O_CLOEXEC), b = open("rel", O_RDONLY);
  printf("cloexec: %d %d\n", !!(fcntl(a, F_GETFD) & FD_CLOEXEC), !!(fcntl(b, F_GETFD) & FD_CLOEXEC));
  struct stat s0, s1;
  fd = open("/dev/stdin", O_RDONLY);
  printf("stdin: %s\n", fd >= 0 && !fstat(fd, &s1) && !fstat(0, &s0) && s0.st_ino == s1.st_ino &&
                                s0.st_dev == s1.st_dev ? "ok" : "bad");
  char p[64];
  snprintf(p, sizeof p, "/proc/self/fd/%d", a);
  fd = open(p, O_RDONLY);
  printf("self fd: %s\n", fd >= 0 && !fstat(fd, &s1) && !fstat(a, &s0) && s0.st_ino == s1.st_ino ? "ok" : "bad");
  fd = open("/proc/self/status", O_RDONLY);
  char buf[4096], want[32];
  ssize_t n = read(fd, buf, sizeof buf - 1);
  buf[n > 0 ? n : 0] = 0;
  snprintf(want, sizeof want, "\nPid:\t%d\n", getpid());
  printf("self status: %s\n", strstr(buf, want) ? "ok" : "bad");
  mkfifo("fifo", 0600);
  pthread_t t;
  pthread_create(&t, NULL, fifo_writer, "fifo");
  fd = open("fifo", O_RDONLY); /* waits for the writer's open */
  printf("fifo: %s\n", fd >= 0 && read(fd, buf, 1) == 1 && buf[0] == 'x' ? "ok" : "bad");
  pthread_join(t, NULL);
  char fifo2[64];
  snprintf(fifo2, sizeof fifo2, "%s/fifo2", dir);
  mkfifo(fifo2, 0600);
  pthread_create(&t, NULL, fifo_writer, fifo2);
  int f = vault_read_fifo(fifo2);
  printf("fifo, compartment path: %s\n", f ? strerror(-f) : "ok");
  pthread_join(t, NULL);
  a = open("rel", O_RDONLY | O_NONBLOCK), b = open("rel", O_RDONLY);
  printf("nonblock: %d %d\n", !!(fcntl(a, F_GETFL) & O_NONBLOCK), !!(fcntl(b, F_GETFL) & O_NONBLOCK));
  close(a), close(b);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_sigio;
  sa.sa_flags = SA_RESTART;
  sigaction(SIGIO, &sa, NULL);
  char leased[64];
  snprintf(leased, sizeof leased, "%s/leased", dir);
  f = open_under_lease(leased, open_leased);
  printf("leased: %s\n", f ? strerror(-f) : "ok");
  f = open_under_lease(leased, vault_open_leased_thread);
  printf("leased, compartment path: %s\n", f ? strerror(-f) : "ok");
  fd = open("/dev/tty", O_RDWR | O_NOCTTY);
  printf("tty: %s\n", fd >= 0 ? "ok" : strerror(errno));
  if (fd >= 0)
    close(fd);
  int r = vault_open();
  printf("compartment path, from the vault: %s\n", r < 0 ? strerror(-r) : "opened");
  r = open(vault_path_address(), O_RDONLY);
  printf("compartment path, from the default domain: %s\n", r < 0 ? strerror(errno) : "opened");
  unlink("rel"), unlink("masked"), unlink("fifo"), unlink("fifo2");
  unlink("leased");
  if (chdir("/") || rmdir(dir))
    return 1;
  printf("open-semantics: done\n");
  return 0;
}
