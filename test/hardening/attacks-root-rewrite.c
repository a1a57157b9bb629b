// Attacker model B, in a process that may write every file (root: the
// rule against changeable files lets it map any file, docs/hardening.md).
// The supervisor makes the pages of a new private executable mapping the
// process's own copies (runtime/supervisor-own.c), so a later write to
// the file does not reach them. Two mappings would still show one:
//   - shared: a MAP_SHARED mapping has no copies; root maps a file it
//     wrote, shared and executable, then writes WRPKRU; ret into it;
//   - past-eof: pages wholly past the file's end have nothing to copy and
//     show the file once it grows; root maps two pages of a one-page file,
//     then extends the file with WRPKRU; ret on the second page.
// Each then jumps there with eax = ecx = edx = 0 (every key open) and
// reads the vault. Fixed: both mappings are refused before they exist
// (one line, the process killed); a sealed memfd may still be mapped
// shared. Without the fix both attacks read the vault (the test failed:
// "ATTACK SUCCEEDED" in each).
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t.on
// RUN: %run %t.on 2>%t.err | FileCheck %s --check-prefix=ON
// RUN: FileCheck %s --check-prefix=ERR < %t.err
// ON-NOT: ATTACK SUCCEEDED
// ON: shared: stopped by signal 9
// ON: past-eof: stopped by signal 9
// ON: parent's vault intact: 1
// ERR: bulkhead: denied: mmap({{.*}}) of "/tmp/rootrw-shared" {{.*}} it is a shared mapping
// ERR: bulkhead: denied: mmap({{.*}}) of "/tmp/rootrw-eof" {{.*}} it reaches a whole page past the file's end
#include "Inputs/target.h"
#include "Inputs/libc-wrpkru.h"

static unsigned char *map_file(const char *path, size_t len, int flags) {
  static unsigned char page[4096];
  memset(page, 0xcc, sizeof page);
  int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
  if (fd < 0 || write(fd, page, sizeof page) != sizeof page || close(fd)) {
    printf("setup: %s\n", strerror(errno));
    return MAP_FAILED;
  }
  fd = open(path, O_RDONLY);
  return fd < 0 ? MAP_FAILED : mmap(NULL, len, PROT_READ | PROT_EXEC, flags, fd, 0);
}

/* Writes WRPKRU; ret at off of the file, jumps to at, reads the vault. */
static void rewrite_and_jump(const char *path, off_t off, unsigned char *at) {
  const unsigned char code[4] = {0x0f, 0x01, (unsigned char)(0xff ^ flip), 0xc3};
  int w = open(path, O_WRONLY);
  if (w < 0 || pwrite(w, code, 4, off) != 4) {
    report_read("a file root wrote after the mapping", NULL);
    return;
  }
  static char out[48];
  JUMP_AND_READ(at, out);
  report_read("a file root wrote after the mapping", out);
}

static void shared(void) {
  unsigned char *m = map_file("/tmp/rootrw-shared", 4096, MAP_SHARED);
  if (m == MAP_FAILED) {
    report_read("a file root wrote after the mapping", NULL);
    return;
  }
  rewrite_and_jump("/tmp/rootrw-shared", 0x100, m + 0x100);
}

static void past_eof(void) {
  unsigned char *m = map_file("/tmp/rootrw-eof", 8192, MAP_PRIVATE);
  if (m == MAP_FAILED) {
    report_read("a file root wrote after the mapping", NULL);
    return;
  }
  rewrite_and_jump("/tmp/rootrw-eof", 0x1100, m + 0x1100);
}

int main(void) {
  struct attack a[] = {{"shared", shared}, {"past-eof", past_eof}};
  return run_attacks(a, 2);
}
