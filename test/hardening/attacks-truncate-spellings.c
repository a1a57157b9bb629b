// Every spelling of a truncation of a file mapped executable is refused
// (runtime/supervisor-truncate.c). The file is a library loaded before
// main (argv[1]), whose pages the runtime made the process's own copies
// because root could change it (attacks-startup-lib-rewrite.c): a
// truncation would drop those copies, and the next access would read the
// file again. (A file mapped executable after start-up that the process
// could change is a sealed copy, which no truncation reaches:
// attacks-root-truncate.c.) Each attack tries to shorten the library:
// ftruncate, truncate, open with O_TRUNC (write-only, read-only: Linux
// truncates then too, creat, openat2), fallocate's collapse and insert
// (which move the file's bytes), a fork child, and a child that runs
// truncate(1) (a program run with execve: not our process, under the
// same filter). Each must die with one line; a truncation that went
// through would leave the code page reading the file again (SIGBUS past
// its end). Before the fix every attack exited 0 ("truncated" lines).
// REQUIRES: pku
// RUN: rm -rf %t && mkdir %t
// RUN: %clang -O2 -fPIC -shared %S/Inputs/startup-lib.c -o %t/libsl.so
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -L%t -lsl -Wl,-rpath,%t -o %t/prog
// RUN: %run %t/prog %t/libsl.so 2>%t/err | FileCheck %s --check-prefix=ON
// RUN: FileCheck %s --check-prefix=ERR < %t/err
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
// ON: fork child's parent: code intact 1
// ON: fork-child: exited 0
// ON: exec child: stopped by signal 9
// ON: exec child's parent: code intact 1
// ON: exec-child: exited 0
// ON: parent's vault intact: 1
// ON: library's code intact: 1
// ERR: bulkhead: denied: ftruncate({{.*}}) of "{{.*}}libsl.so" {{.*}} mapped executable
// ERR: bulkhead: denied: truncate({{.*}}) of "{{.*}}libsl.so" {{.*}} mapped executable
// ERR: bulkhead: denied: openat({{.*}}) of "{{.*}}libsl.so" {{.*}} mapped executable
// ERR: bulkhead: denied: openat({{.*}}) of "{{.*}}libsl.so" {{.*}} mapped executable
// ERR: bulkhead: denied: creat({{.*}}) of "{{.*}}libsl.so" {{.*}} mapped executable
// ERR: bulkhead: denied: openat2({{.*}}) of "{{.*}}libsl.so" {{.*}} mapped executable
// ERR: bulkhead: denied: fallocate({{.*}}) of "{{.*}}libsl.so" {{.*}} mapped executable
// ERR: bulkhead: denied: fallocate({{.*}}) of "{{.*}}libsl.so" {{.*}} mapped executable
// ERR: bulkhead: denied: ftruncate({{.*}}) of "{{.*}}libsl.so" {{.*}} mapped executable
// ERR: bulkhead: denied: ftruncate({{.*}}) of "{{.*}}libsl.so" {{.*}} mapped executable
#include "Inputs/target.h"
#include <linux/falloc.h>
#include <linux/openat2.h>

static const char *lib_path; /* argv[1] */
int startup_lib_fn(int x);
static unsigned char first; /* startup_lib_fn's first byte */

/* The library's code, as the process runs it. */
static volatile unsigned char *map_code(void) {
  return (volatile unsigned char *)(void *)startup_lib_fn;
}

static void after(volatile unsigned char *m, long r) {
  printf("truncated: %ld (%s)\n", r, strerror(errno));
  fflush(stdout);
  printf("page: %#x\n", m[0]);
}

static void by_ftruncate(void) {
  volatile unsigned char *m = map_code();
  int w = open(lib_path, O_WRONLY);
  after(m, ftruncate(w, 0));
}
static void by_truncate(void) {
  volatile unsigned char *m = map_code();
  after(m, truncate(lib_path, 100));
}
static void by_open_wronly(void) {
  volatile unsigned char *m = map_code();
  after(m, open(lib_path, O_WRONLY | O_TRUNC));
}
static void by_open_rdonly(void) {
  volatile unsigned char *m = map_code();
  after(m, open(lib_path, O_RDONLY | O_TRUNC));
}
static void by_creat(void) {
  volatile unsigned char *m = map_code();
  after(m, creat(lib_path, 0644));
}
static void by_openat2(void) {
  volatile unsigned char *m = map_code();
  struct open_how how = {.flags = O_WRONLY | O_TRUNC};
  after(m, syscall(SYS_openat2, AT_FDCWD, lib_path, &how, sizeof how));
}
static void by_collapse(void) {
  volatile unsigned char *m = map_code();
  int w = open(lib_path, O_RDWR);
  after(m, fallocate(w, FALLOC_FL_COLLAPSE_RANGE, 0, 4096));
}
static void by_insert(void) {
  volatile unsigned char *m = map_code();
  int w = open(lib_path, O_RDWR);
  after(m, fallocate(w, FALLOC_FL_INSERT_RANGE, 0, 4096));
}
/* The child shares the filter, not the mapping (it unmaps its copy): the
 * parent's mappings count too. */
static void by_child(const char *name, int exec) {
  volatile unsigned char *m = map_code();
  pid_t c = fork();
  if (c == 0 && exec) {
    execl("/usr/bin/truncate", "truncate", "-s", "0", lib_path, (char *)NULL);
    printf("exec: %s\n", strerror(errno));
    _exit(127);
  }
  if (c == 0) {
    int w = open(lib_path, O_WRONLY);
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
  printf("%s's parent: code intact %d\n", name, m[0] == first);
}
static void by_fork_child(void) { by_child("fork child", 0); }
static void by_exec_child(void) { by_child("exec child", 1); }

int main(int argc, char **argv) {
  if (argc < 2)
    return 2;
  lib_path = argv[1];
  first = *map_code();
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
  printf("library's code intact: %d\n", *map_code() == first && startup_lib_fn(2) == 7);
  return r;
}
