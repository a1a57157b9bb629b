// Attacker model B, in a process that may write every file (root). The
// supervisor makes the pages of a new private executable mapping the
// process's own copies (runtime/supervisor-own.c), so a write to the file
// after the scan does not reach them (attacks-review5-saved-root.c). A
// truncation does: the kernel unmaps every page past the new size from
// every mapping of the file, copies too (truncate_pagecache, "even_cows"),
// and the next access faults the page in from the file again. Root maps
// a file it wrote, truncates it to nothing, writes it again with WRPKRU;
// ret at 0x100, jumps there with eax = ecx = edx = 0 and reads the vault.
// Found while closing the root limitation (ATTACK SUCCEEDED, "truncate:
// exited 0", before the fix). Fixed for this mapping by the sealed copy
// (runtime/supervisor-sealed.c): the kernel maps a sealed memfd holding
// the file's bytes, which no truncation of the file reaches, so the
// truncation is allowed and the jump lands on the old int3. Truncations
// of files whose pages are copies (start-up libraries, a registered
// object's code) are refused: attacks-truncate-spellings.c.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t.on
// RUN: %run %t.on | FileCheck %s --check-prefix=ON
// ON-NOT: ATTACK SUCCEEDED
// ON: truncate: stopped by signal
// ON: parent's vault intact: 1
#include "Inputs/target.h"
#include "Inputs/libc-wrpkru.h"

#define FILE_PATH "/tmp/roottr-code"

static void attack(void) {
  static unsigned char page[4096];
  if (write_int3_file(FILE_PATH, page))
    return;
  unsigned char *m = map_exec_file(FILE_PATH);
  if (m == MAP_FAILED) {
    report_read("a file root truncated and wrote again", NULL);
    return;
  }
  printf("mapped\n");
  fflush(stdout);
  wrpkru_ret(page + 0x100);
  int w = open(FILE_PATH, O_WRONLY);
  if (w < 0 || ftruncate(w, 0) || pwrite(w, page, sizeof page, 0) != sizeof page) {
    report_read("a file root truncated and wrote again", NULL);
    return;
  }
  static char out[48];
  JUMP_AND_READ(m + 0x100, out);
  report_read("a file root truncated and wrote again", out);
}

int main(void) {
  struct attack a[] = {{"truncate", attack}};
  return run_attacks(a, 1);
}
