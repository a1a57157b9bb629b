// Every spelling of a truncation of a file mapped executable is refused
// (runtime/supervisor-truncate.c; attacks-root-truncate.c shows what a
// truncation does to the copies of checked code). Each attack maps a file
// it wrote (root: any file may be written) PROT_READ | PROT_EXEC, then
// tries to shorten it: ftruncate, truncate, open with O_TRUNC (write-only,
// read-only: Linux truncates then too, creat, openat2), fallocate's
// collapse and insert (which move the file's bytes), a fork child that
// unmapped its own copy and truncates the file its parent still maps, and
// a child that runs truncate(1) (a program run with execve: not our
// process, under the same filter).
// Each must die with one line; a truncation that went through would leave
// the mapping's page reading the file again ("page: ..."), or SIGBUS.
// Before the fix every attack exited 0 ("truncated" lines).
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t.on
// RUN: %run %t.on 2>%t.err | FileCheck %s --check-prefix=ON
// RUN: FileCheck %s --check-prefix=ERR < %t.err
// ON-NOT: truncated
// ON: ftruncate: stopped by signal 9
// ON: truncate: stopped by signal 9
// ON: open-wronly-trunc: stopped by signal 9
// ON: open-rdonly-trunc: stopped by signal 9
// ON: creat: stopped by signal 9
// ON: openat2-trunc: stopped by signal 9
// ON: fallocate-collapse: stopped by signal 9
// ON: fallocate-insert: stopped by signal 9
// ON: fork child: stopped by signal 9
// ON: fork child's parent: page intact 1
// ON: fork-child: exited 0
// ON: exec child: stopped by signal 9
// ON: exec child's parent: page intact 1
// ON: exec-child: exited 0
// ON: parent's vault intact: 1
// ERR: bulkhead: denied: ftruncate({{.*}}) of "/tmp/bh-trsp-code" {{.*}} mapped executable
// ERR: bulkhead: denied: truncate({{.*}}) of "/tmp/bh-trsp-code" {{.*}} mapped executable
// ERR: bulkhead: denied: openat({{.*}}) of "/tmp/bh-trsp-code" {{.*}} mapped executable
// ERR: bulkhead: denied: openat({{.*}}) of "/tmp/bh-trsp-code" {{.*}} mapped executable
// ERR: bulkhead: denied: creat({{.*}}) of "/tmp/bh-trsp-code" {{.*}} mapped executable
// ERR: bulkhead: denied: openat2({{.*}}) of "/tmp/bh-trsp-code" {{.*}} mapped executable
// ERR: bulkhead: denied: fallocate({{.*}}) of "/tmp/bh-trsp-code" {{.*}} mapped executable
// ERR: bulkhead: denied: fallocate({{.*}}) of "/tmp/bh-trsp-code" {{.*}} mapped executable
// ERR: bulkhead: denied: ftruncate({{.*}}) of "/tmp/bh-trsp-code" {{.*}} mapped executable
// ERR: bulkhead: denied: ftruncate({{.*}}) of "/tmp/bh-trsp-code" {{.*}} mapped executable
#include "Inputs/target.h"
#include <linux/falloc.h>
#include <linux/openat2.h>

#define FILE_PATH "/tmp/bh-trsp-code"

/* Two pages of int3 (a collapse needs a page after the one it removes);
 * the first mapped executable. */
static volatile unsigned char *map_code(void) {
  static unsigned char page[8192];
  memset(page, 0xcc, sizeof page);
  int fd = open(FILE_PATH, O_RDWR | O_CREAT | O_TRUNC, 0644);
  if (fd < 0 || write(fd, page, sizeof page) != sizeof page || close(fd)) {
    printf("setup: %s\n", strerror(errno));
    _exit(1);
  }
  fd = open(FILE_PATH, O_RDONLY);
  void *m = fd < 0 ? MAP_FAILED : mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
  if (m == MAP_FAILED) {
    printf("map: %s\n", strerror(errno));
    _exit(1);
  }
  close(fd);
  return m;
}

static void after(volatile unsigned char *m, long r) {
  printf("truncated: %ld (%s)\n", r, strerror(errno));
  fflush(stdout);
  printf("page: %#x\n", m[0]);
}

static void by_ftruncate(void) {
  volatile unsigned char *m = map_code();
  int w = open(FILE_PATH, O_WRONLY);
  after(m, ftruncate(w, 0));
}
static void by_truncate(void) {
  volatile unsigned char *m = map_code();
  after(m, truncate(FILE_PATH, 100));
}
static void by_open_wronly(void) {
  volatile unsigned char *m = map_code();
  after(m, open(FILE_PATH, O_WRONLY | O_TRUNC));
}
static void by_open_rdonly(void) {
  volatile unsigned char *m = map_code();
  after(m, open(FILE_PATH, O_RDONLY | O_TRUNC));
}
static void by_creat(void) {
  volatile unsigned char *m = map_code();
  after(m, creat(FILE_PATH, 0644));
}
static void by_openat2(void) {
  volatile unsigned char *m = map_code();
  struct open_how how = {.flags = O_WRONLY | O_TRUNC};
  after(m, syscall(SYS_openat2, AT_FDCWD, FILE_PATH, &how, sizeof how));
}
static void by_collapse(void) {
  volatile unsigned char *m = map_code();
  int w = open(FILE_PATH, O_RDWR);
  after(m, fallocate(w, FALLOC_FL_COLLAPSE_RANGE, 0, 4096));
}
static void by_insert(void) {
  volatile unsigned char *m = map_code();
  int w = open(FILE_PATH, O_RDWR);
  after(m, fallocate(w, FALLOC_FL_INSERT_RANGE, 0, 4096));
}
/* The child shares the filter, not the mapping (it unmaps its copy): the
 * parent's mappings count too. */
static void by_child(const char *name, int exec) {
  volatile unsigned char *m = map_code();
  pid_t c = fork();
  if (c == 0 && exec) {
    execl("/usr/bin/truncate", "truncate", "-s", "0", FILE_PATH, (char *)NULL);
    printf("exec: %s\n", strerror(errno));
    _exit(127);
  }
  if (c == 0) {
    munmap((void *)m, 4096);
    int w = open(FILE_PATH, O_WRONLY);
    printf("truncated: %d (%s)\n", ftruncate(w, 0), strerror(errno));
    fflush(stdout);
    _exit(0);
  }
  int st;
  waitpid(c, &st, 0);
  if (WIFSIGNALED(st))
    printf("%s: stopped by signal %d\n", name, WTERMSIG(st));
  else
    printf("%s: exited %d\n", name, WEXITSTATUS(st));
  printf("%s's parent: page intact %d\n", name, m[0] == 0xcc);
}
static void by_fork_child(void) { by_child("fork child", 0); }
static void by_exec_child(void) { by_child("exec child", 1); }

int main(void) {
  struct attack a[] = {{"ftruncate", by_ftruncate},
                       {"truncate", by_truncate},
                       {"open-wronly-trunc", by_open_wronly},
                       {"open-rdonly-trunc", by_open_rdonly},
                       {"creat", by_creat},
                       {"openat2-trunc", by_openat2},
                       {"fallocate-collapse", by_collapse},
                       {"fallocate-insert", by_insert},
                       {"fork-child", by_fork_child},
                       {"exec-child", by_exec_child}};
  int r = run_attacks(a, sizeof a / sizeof *a);
  unlink(FILE_PATH);
  return r;
}
