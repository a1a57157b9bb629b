// Attack class: the process's memory through the file system.
// /proc/<pid>/mem reads and writes any page of the process whatever its
// protection key. The default domain opens it under many spellings -
// /proc/self/mem, its pid, /proc/thread-self/mem, a thread's
// task/<tid>/mem, doubled slashes and dots, "..", a symlink, a directory
// descriptor, a relative path after chdir, /dev/fd/../mem, openat2 - reads
// the vault's data, or writes it. With -fno-pkey-syscall-filter each works;
// by default the supervisor opens every such path itself for the caller,
// finds a memory file of our process, refuses it with one line and the
// process dies. (test/hardening/open-spellings.c generates many more.)
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-syscall-filter -O2 %s -o %t.off
// RUN: %run %t.off | FileCheck %s --check-prefix=OFF
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t.on
// RUN: %run %t.on > %t.out 2> %t.err
// RUN: FileCheck %s --check-prefix=ON < %t.out
// RUN: FileCheck %s --check-prefix=ERR < %t.err
// OFF: == self
// OFF-NEXT: ATTACK SUCCEEDED: /proc/self/mem read "vault-secret
// OFF: == write
// OFF-NEXT: ATTACK SUCCEEDED: a write to /proc/self/mem changed the vault's data
// ON-NOT: ATTACK SUCCEEDED
// ON: self: stopped by signal 9
// ON: pid: stopped by signal 9
// ON: thread-self: stopped by signal 9
// ON: task: stopped by signal 9
// ON: dots: stopped by signal 9
// ON: dotdot: stopped by signal 9
// ON: symlink: stopped by signal 9
// ON: dirfd: stopped by signal 9
// ON: chdir: stopped by signal 9
// ON: dev-fd: stopped by signal 9
// ON: openat2: stopped by signal 9
// ON: write: stopped by signal 9
// ON: parent's vault intact: 1
// ERR: bulkhead: denied: openat(0xffffff9c, 0x{{[0-9a-f]+}}, 0x0, {{.*}}) of "/proc/self/mem" from the default domain, in process {{[0-9]+}} (thread {{[0-9]+}}) — reading or writing a process's memory through the kernel ignores protection keys
// ERR-NEXT: bulkhead: denied: openat({{.*}}) of "/proc/{{[0-9]+}}/mem" from the default domain, in process
// ERR-NEXT: bulkhead: denied: openat({{.*}}) of "/proc/thread-self/mem" from the default domain, in process
// ERR-NEXT: bulkhead: denied: openat({{.*}}) of "/proc/self/task/{{[0-9]+}}/mem" from the default domain, in process
// ERR-NEXT: bulkhead: denied: openat({{.*}}) of "//proc/./self//./mem" from the default domain, in process
// ERR-NEXT: bulkhead: denied: openat({{.*}}) of "/proc/self/../self/mem" from the default domain, in process
// ERR-NEXT: bulkhead: denied: openat({{.*}}) of "/tmp/bh-mem-link-{{[0-9]+}}" from the default domain, in process
// ERR-NEXT: bulkhead: denied: openat({{.*}}) of "mem" from the default domain, in process
// ERR-NEXT: bulkhead: denied: openat({{.*}}) of "mem" from the default domain, in process
// ERR-NEXT: bulkhead: denied: openat({{.*}}) of "/dev/fd/../mem" from the default domain, in process
// ERR-NEXT: bulkhead: denied: openat2({{.*}}) of "/proc/self/mem" from the default domain, in process
// ERR-NEXT: bulkhead: denied: openat(0xffffff9c, 0x{{[0-9a-f]+}}, 0x2, {{.*}}) of "/proc/self/mem" from the default domain, in process
#include "Inputs/target.h"
#include <linux/openat2.h>

static void read_through(const char *how, int fd) {
  static char buf[64];
  ssize_t n = fd < 0 ? -1 : pread(fd, buf, 40, (off_t)(uintptr_t)vault_data);
  report_read(how, n > 0 ? buf : NULL);
}

static void open_read(const char *path) { read_through(path, open(path, O_RDONLY)); }

static void self(void) { open_read("/proc/self/mem"); }
static void pid(void) {
  char p[64];
  snprintf(p, sizeof p, "/proc/%d/mem", getpid());
  open_read(p);
}
static void thread_self(void) { open_read("/proc/thread-self/mem"); }
static void task(void) {
  char p[64];
  snprintf(p, sizeof p, "/proc/self/task/%d/mem", (int)syscall(SYS_gettid));
  open_read(p);
}
static void dots(void) { open_read("//proc/./self//./mem"); }
static void dotdot(void) { open_read("/proc/self/../self/mem"); }
static void symlink_(void) {
  char p[64];
  snprintf(p, sizeof p, "/tmp/bh-mem-link-%d", getpid());
  unlink(p);
  if (symlink("/proc/self/mem", p))
    return;
  int fd = open(p, O_RDONLY);
  unlink(p);
  read_through("a symlink to /proc/self/mem", fd);
}
static void dirfd_(void) {
  int d = open("/proc/self", O_DIRECTORY | O_RDONLY);
  read_through("openat(/proc/self, mem)", openat(d, "mem", O_RDONLY));
}
static void chdir_(void) {
  if (chdir("/proc/self") == 0)
    open_read("mem");
}
static void dev_fd(void) { open_read("/dev/fd/../mem"); }
static void openat2_(void) {
  struct open_how how = {.flags = O_RDONLY};
  read_through("openat2", (int)syscall(SYS_openat2, AT_FDCWD, "/proc/self/mem", &how, sizeof how));
}
static void write_(void) {
  int fd = open("/proc/self/mem", O_RDWR);
  static const char forged[] = "forged through /proc/self/mem";
  if (fd >= 0)
    pwrite(fd, forged, sizeof forged, (off_t)(uintptr_t)vault_data);
  printf(!vault_data_intact() ? "ATTACK SUCCEEDED: a write to /proc/self/mem changed the vault's data\n"
                              : "attack failed: no write\n");
}

int main(void) {
  struct attack a[] = {{"self", self},       {"pid", pid},       {"thread-self", thread_self},
                       {"task", task},       {"dots", dots},     {"dotdot", dotdot},
                       {"symlink", symlink_}, {"dirfd", dirfd_}, {"chdir", chdir_},
                       {"dev-fd", dev_fd},   {"openat2", openat2_}, {"write", write_}};
  return run_attacks(a, 12);
}
