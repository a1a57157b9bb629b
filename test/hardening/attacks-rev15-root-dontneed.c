// Review 15, attacker model B in a process that may write every file
// (root: the rule against changeable files lets it map any file,
// docs/hardening.md). The supervisor makes the pages of a new private
// executable mapping the process's own copies (runtime/supervisor-own.c),
// so a later write to the file does not reach them
// (attacks-review5-saved-root.c, attacks-root-rewrite.c). But a copy is an
// anonymous page of a private file mapping, and madvise(MADV_DONTNEED)
// drops it: the next access faults the page in from the file again, which
// root has rewritten. The first filter lets the default domain advise
// memory outside its protected ranges, and a mapping made after start-up
// (a dlopen'ed library's code, or this one) is outside them. Root maps a
// file it wrote, lets the supervisor copy and scan it, writes WRPKRU; ret
// into the file, advises the page away, jumps there with
// eax = ecx = edx = 0 and reads the vault. Not a truncation
// (attacks-root-truncate.c), so a fix refusing truncations does not stop
// it. Suggested fix: refuse MADV_DONTNEED/MADV_FREE/MADV_REMOVE (any
// advice that discards contents) on executable private file mappings of
// our process (or on every page the supervisor copied), e.g. in the first
// filter for PROT_EXEC mappings via the supervisor, or give up the root
// case (refuse files the process can write whatever its capabilities).
//
// Fixed (runtime/supervisor-sealed.c): the kernel maps a sealed memfd
// holding a copy of a file the process could change, put in the call's
// descriptor slot by the supervisor; advice drops a page of it only to
// read the same bytes again.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t.on
// RUN: %run %t.on | FileCheck %s --check-prefix=ON
// ON-NOT: ATTACK SUCCEEDED
// ON: dontneed: stopped by signal
// ON: parent's vault intact: 1
#include "Inputs/target.h"
#include "Inputs/libc-wrpkru.h"

#include <sys/mman.h>

#define FILE_PATH "/tmp/rev15-dontneed-code"

static void attack(void) {
  static unsigned char page[4096];
  if (write_int3_file(FILE_PATH, page))
    return;
  unsigned char *m = map_exec_file(FILE_PATH);
  if (m == MAP_FAILED) {
    report_read("a file root rewrote, its copy advised away", NULL);
    return;
  }
  printf("mapped, first byte %02x\n", m[0]);
  fflush(stdout);
  wrpkru_ret(page + 0x100);
  int w = open(FILE_PATH, O_WRONLY);
  if (w < 0 || pwrite(w, page, sizeof page, 0) != sizeof page) {
    report_read("a file root rewrote, its copy advised away", NULL);
    return;
  }
  printf("copy after the write shows it: %d\n", m[0x100] == 0x0f);
  int adv = madvise(m, 4096, MADV_DONTNEED);
  printf("madvise(MADV_DONTNEED): %d; the code shows the write: %d\n", adv,
         m[0x100] == 0x0f);
  fflush(stdout);
  static char out[48];
  JUMP_AND_READ(m + 0x100, out);
  report_read("a file root rewrote, its copy advised away", out);
}

int main(void) {
  struct attack a[] = {{"dontneed", attack}};
  return run_attacks(a, 1);
}
