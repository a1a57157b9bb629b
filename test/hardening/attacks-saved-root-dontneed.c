// attacks-rev15-root-dontneed.c by way of attacks-review5-saved-root.c
// (attacker model B): root steps down for a while (effective and
// file-system ids nobody's, CapEff empty, saved id root, permitted
// capabilities all there) and maps a file root owns, mode 0644: judged as
// nobody's view, "unchangeable", so mapped from the file and its pages
// made the process's own copies. It steps back up, writes WRPKRU; ret
// into the file, advises the page away (MADV_DONTNEED drops the copy: the
// next access reads the file) and jumps there with eax = ecx = edx = 0.
// Found while fixing review 15's finding with the sealed copy, which was
// made only for callers that could change the file by their effective
// rights. Fixed: a caller that could get them back (any of its user ids
// root or the file's owner, permitted capabilities, any of its group ids)
// is judged by them, so the kernel maps a sealed copy of the file
// (runtime/supervisor-sealed.c): the jump lands on the old bytes (int3).
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t.on
// RUN: %run %t.on | FileCheck %s --check-prefix=ON
// ON-NOT: ATTACK SUCCEEDED
// ON: mapped
// ON-NEXT: advised away: 0, the code shows the write: 0
// ON-NEXT: saved-root-dontneed: stopped by signal 5
// ON: parent's vault intact: 1
#include "Inputs/target.h"
#include "Inputs/libc-wrpkru.h"

#include <sys/mman.h>

#define FILE_PATH "/tmp/srdn-code"

static void attack(void) {
  static unsigned char page[4096];
  if (write_int3_file(FILE_PATH, page))
    return;
  if (setresuid(-1, 65534, -1)) {
    printf("setup: %s\n", strerror(errno));
    return;
  }
  unsigned char *m = map_exec_file(FILE_PATH);
  if (m == MAP_FAILED) {
    report_read("a file root wrote after stepping back up, its copy advised away", NULL);
    return;
  }
  printf("mapped\n");
  fflush(stdout);
  unsigned char code[4];
  wrpkru_ret(code);
  int w = setresuid(-1, 0, -1) ? -1 : open(FILE_PATH, O_WRONLY);
  if (w < 0 || pwrite(w, code, 4, 0x100) != 4) {
    report_read("a file root wrote after stepping back up, its copy advised away", NULL);
    return;
  }
  int adv = madvise(m, 4096, MADV_DONTNEED);
  printf("advised away: %d, the code shows the write: %d\n", adv, !memcmp(m + 0x100, code, 4));
  fflush(stdout);
  static char out[48];
  JUMP_AND_READ(m + 0x100, out);
  report_read("a file root wrote after stepping back up, its copy advised away", out);
}

int main(void) {
  struct attack a[] = {{"saved-root-dontneed", attack}};
  return run_attacks(a, 1);
}
