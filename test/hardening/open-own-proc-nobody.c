// A hardened program that started as root and became nobody is no longer
// dumpable: the kernel lets the process's own threads into its
// /proc/<pid> files and links whatever their ids, and another process
// (the supervisor, which opens for it) only with CAP_SYS_PTRACE. Review 38
// found CAP_SYS_PTRACE kept for every open (attacks-rev38-ptrace-kept.c).
// Since, the supervisor follows the caller's own links (cwd, exe, root,
// fd/<n>) itself and opens the rest of the path as the caller, and tries
// a refused open of a name under the caller's own /proc/<pid> once more
// with that capability, beneath that directory. Here each of the
// process's own opens works as nobody; another process's working directory
// and init's maps stay closed, as for the plain program (run first).
// REQUIRES: pku
// RUN: rm -rf %t && mkdir %t
// RUN: %clang -O1 -DPLAIN %s -o %t/plain
// RUN: %bulkhead_clang -fpkey-compartments -O1 %s -o %t/prog
// RUN: %run %t/plain > %t/plain.out 2>&1
// RUN: FileCheck %s < %t/plain.out
// RUN: %run %t/prog > %t/prog.out 2>&1
// RUN: FileCheck %s --check-prefixes=CHECK,VAULT < %t/prog.out
// CHECK: uid 65534, dumpable 0
// CHECK-NEXT: /proc/self/maps: opened
// CHECK-NEXT: /proc/thread-self/maps: opened
// CHECK-NEXT: /proc/self/fd (directory): opened
// CHECK-NEXT: /proc/self/fd/N (a file under a directory closed to nobody): opened
// CHECK-NEXT: /proc/thread-self/fd/N: opened
// CHECK-NEXT: /proc/self/cwd/file (cwd under a directory closed to nobody): opened
// CHECK-NEXT: /proc/self/exe: opened
// CHECK-NEXT: /proc/self/root/tmp: opened
// The link itself, refused either way (the supervisor cannot look into the
// fd directory, root's once the ids changed, and answers EACCES there):
// CHECK-NEXT: /proc/self/fd/N with O_NOFOLLOW: {{Too many levels of symbolic links|Permission denied}}
// CHECK-NEXT: /proc/1/maps: Permission denied
// CHECK-NEXT: /proc/PARENT/cwd/file: Permission denied
// VAULT-NEXT: vault says 20
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#ifndef PLAIN
#include <bulkhead.h>
BULKHEAD_DATA(vault) static char secret[32] = "TOP-SECRET-VAULT-KEY";
BULKHEAD_ENTRY(vault) int vault_len(void) { return (int)strlen(secret); }
#endif

static void try(const char *what, const char *path, int flags) {
  int fd = open(path, flags);
  printf("%s: %s\n", what, fd >= 0 ? "opened" : strerror(errno));
  if (fd >= 0)
    close(fd);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  if (getuid() != 0) {
    puts("not root: nothing to see");
    return 1;
  }
  // Root's directory (0700) with sub/file (0755, 0644) in it: nobody
  // cannot reach the file by name, but its working directory is sub.
  char dir[] = "/tmp/own-proc-XXXXXX", sub[64], file[80], path[96];
  if (!mkdtemp(dir))
    return 1;
  snprintf(sub, sizeof sub, "%s/sub", dir);
  snprintf(file, sizeof file, "%s/file", sub);
  int w = mkdir(sub, 0755) ? -1 : open(file, O_CREAT | O_WRONLY, 0644);
  close(w);
  int held = open(file, O_RDONLY);
  if (w < 0 || held < 0 || chdir(sub))
    return 1;
  if (setgid(65534) || setuid(65534))
    return 1;
  printf("uid %d, dumpable %d\n", (int)getuid(), prctl(PR_GET_DUMPABLE));
  try("/proc/self/maps", "/proc/self/maps", O_RDONLY);
  try("/proc/thread-self/maps", "/proc/thread-self/maps", O_RDONLY);
  try("/proc/self/fd (directory)", "/proc/self/fd", O_RDONLY | O_DIRECTORY);
  snprintf(path, sizeof path, "/proc/self/fd/%d", held);
  try("/proc/self/fd/N (a file under a directory closed to nobody)", path,
      O_RDONLY);
  snprintf(path, sizeof path, "/proc/thread-self/fd/%d", held);
  try("/proc/thread-self/fd/N", path, O_RDONLY);
  try("/proc/self/cwd/file (cwd under a directory closed to nobody)",
      "/proc/self/cwd/file", O_RDONLY);
  try("/proc/self/exe", "/proc/self/exe", O_RDONLY);
  try("/proc/self/root/tmp", "/proc/self/root/tmp", O_RDONLY | O_DIRECTORY);
  snprintf(path, sizeof path, "/proc/self/fd/%d", held);
  try("/proc/self/fd/N with O_NOFOLLOW", path, O_RDONLY | O_NOFOLLOW);
  try("/proc/1/maps", "/proc/1/maps", O_RDONLY);
  snprintf(path, sizeof path, "/proc/%d/cwd/file", (int)getppid());
  try("/proc/PARENT/cwd/file", path, O_RDONLY);
#ifndef PLAIN
  printf("vault says %d\n", vault_len());
#endif
  return 0;
}
