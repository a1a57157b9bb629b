// Truncations of files no process of ours maps executable go on under the
// supervisor, which makes them itself (runtime/supervisor-truncate.c), with
// the kernel's results: each spelling shortens an ordinary file; errors
// stay the kernel's (a descriptor not open for writing, a directory, a
// missing file, a negative length); O_RDONLY | O_TRUNC truncates as
// Linux does; a file mapped read-only (not executable) may be truncated;
// a file mapped executable may grow (nothing the process runs is dropped).
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t | FileCheck %s
// CHECK: ftruncate: 10
// CHECK: truncate: 20
// CHECK: open-wronly-trunc: 0
// CHECK: open-rdonly-trunc: 0
// CHECK: creat: 0
// CHECK: openat2-trunc: 0
// CHECK: fallocate-punch: 4096
// CHECK: ftruncate read-only fd: Invalid argument
// CHECK: truncate directory: Is a directory
// CHECK: truncate missing: No such file or directory
// CHECK: truncate negative: Invalid argument
// CHECK: mapped read-only, truncated: 0
// CHECK: mapped executable, grown: 0 8192
// CHECK: truncate-ordinary: done
#include "Inputs/target.h"
#include <linux/falloc.h>
#include <linux/openat2.h>
#include <sys/stat.h>

static char dir[] = "/tmp/bh-trord-XXXXXX";

static long long size_of(const char *p) {
  struct stat st;
  return stat(p, &st) ? -1 : (long long)st.st_size;
}

static void fill(const char *p) {
  static char page[4096];
  memset(page, 0xcc, sizeof page);
  int fd = open(p, O_WRONLY | O_CREAT, 0644);
  if (fd < 0 || pwrite(fd, page, sizeof page, 0) != sizeof page ||
      pwrite(fd, page, sizeof page, 4096) != sizeof page)
    printf("fill: %s\n", strerror(errno));
  close(fd);
}

int main(void) {
  vault_block = vault_new_block();
  if (!mkdtemp(dir) || chdir(dir))
    return 1;
  fill("f");
  int w = open("f", O_WRONLY);
  printf("ftruncate: %lld\n", ftruncate(w, 10) ? -1 : size_of("f"));
  close(w);
  fill("f");
  printf("truncate: %lld\n", truncate("f", 20) ? -1 : size_of("f"));
  fill("f");
  close(open("f", O_WRONLY | O_TRUNC));
  printf("open-wronly-trunc: %lld\n", size_of("f"));
  fill("f");
  close(open("f", O_RDONLY | O_TRUNC));
  printf("open-rdonly-trunc: %lld\n", size_of("f"));
  fill("f");
  close(creat("f", 0644));
  printf("creat: %lld\n", size_of("f"));
  fill("f");
  struct open_how how = {.flags = O_WRONLY | O_TRUNC};
  close((int)syscall(SYS_openat2, AT_FDCWD, "f", &how, sizeof how));
  printf("openat2-trunc: %lld\n", size_of("f"));
  fill("f");
  w = open("f", O_RDWR);
  /* hole punching keeps the size; it goes to the kernel directly */
  if (fallocate(w, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, 4096) ||
      ftruncate(w, 4096))
    printf("fallocate-punch: %s\n", strerror(errno));
  else
    printf("fallocate-punch: %lld\n", size_of("f"));
  close(w);
  int r = open("f", O_RDONLY);
  printf("ftruncate read-only fd: %s\n", ftruncate(r, 0) ? strerror(errno) : "done");
  printf("truncate directory: %s\n", truncate(dir, 0) ? strerror(errno) : "done");
  printf("truncate missing: %s\n", truncate("missing", 0) ? strerror(errno) : "done");
  printf("truncate negative: %s\n", truncate("f", -1) ? strerror(errno) : "done");
  close(r);
  fill("f");
  r = open("f", O_RDONLY);
  void *m = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, r, 0);
  printf("mapped read-only, truncated: %lld\n",
         m == MAP_FAILED || truncate("f", 0) ? -1 : size_of("f"));
  close(r);
  fill("x");
  truncate("x", 4096);
  r = open("x", O_RDONLY);
  m = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, r, 0);
  w = open("x", O_WRONLY);
  printf("mapped executable, grown: %d %lld\n", m == MAP_FAILED ? -1 : ftruncate(w, 8192),
         size_of("x"));
  unlink("f");
  unlink("x");
  rmdir(dir);
  printf("truncate-ordinary: done\n");
  return 0;
}
