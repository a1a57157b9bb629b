// The supervisor scans each executable file mapping alone, for patterns
// that start and end within the bytes that mapping maps
// (runtime/supervisor-exec.c judge()). Two mappings placed side by side
// are one run of code: a mapping whose last bytes are 0F 01 followed by
// one whose first byte is EF is a WRPKRU that neither scan saw. The
// default domain makes two memfds (sealed with F_SEAL_WRITE, which the
// rule against changeable files accepts): A, one page ending in 0F 01;
// B, one page starting with EF C3 (WRPKRU's last byte, ret). Neither holds
// a pattern. It maps A PROT_READ|PROT_EXEC, then B right after it
// (MAP_FIXED on its own, unprotected memory), and jumps to A's last two
// bytes with eax = ecx = edx = 0: every key opens, and the vault's page
// reads. The second attack maps B elsewhere and moves it after A with
// mremap(MREMAP_FIXED), which the supervisor never sees. The same works
// with pages of files nobody may write (any page of a system library
// ending in 0F 01, any page starting with EF). Found in the third review
// of the default domain's program counter (attacker model B); reproduced
// in the QEMU guest (6.1) as uid 65534.
//
// Fixed: the supervisor judged each executable file mapping with its
// neighbours once the kernel made it (judge_edges), and refuses moving an
// executable mapping (the filter sends every mremap that may move to it).
// That look came after the mapping existed, which a process sharing the
// memory could race (attacks-review6-split-race.c). Now, before the
// mapping, no executable file mapping may begin or end with bytes that
// could be part of a pattern with any neighbour: A is refused, in both
// children, whatever comes beside it.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-syscall-filter -O2 %s -o %t.off
// RUN: %run %t.off | FileCheck %s --check-prefix=OFF
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t.on
// RUN: %run %t.on > %t.out 2> %t.err
// RUN: FileCheck %s --check-prefix=ON < %t.out
// RUN: FileCheck %s --check-prefix=ERR < %t.err
// OFF: == split-wrpkru
// OFF-NEXT: ATTACK SUCCEEDED: a WRPKRU split over two mappings read "vault-secret
// OFF: == split-wrpkru-mremap
// OFF-NEXT: ATTACK SUCCEEDED: a WRPKRU split over two mappings read "vault-secret
// ON-NOT: ATTACK SUCCEEDED
// ON: split-wrpkru: stopped by signal 9
// ON: split-wrpkru-mremap: stopped by signal 9
// ON: parent's vault intact: 1
// ON-NEXT: data moved: ok
// ERR: bulkhead: denied: mmap(0x{{[0-9a-f]+}}, 0x1000, 0x5, 0x12, {{.*}}) of "/memfd:code (deleted)" from the default domain, in process {{[0-9]+}} (thread {{[0-9]+}}) — its last bytes could make a PKRU write (WRPKRU, XRSTOR or XRSTORS) with an executable mapping beside it
// ERR-NEXT: bulkhead: denied: mmap(0x{{[0-9a-f]+}}, 0x1000, 0x5, 0x12, {{.*}}) of "/memfd:code (deleted)" from the default domain, in process {{[0-9]+}} (thread {{[0-9]+}}) — its last bytes could make
// ERR-NOT: denied
#include "Inputs/target.h"
#include "Inputs/split-wrpkru.h"

/* B mapped right after A (by_mremap = 0), or mapped elsewhere and moved
 * there by mremap, which the supervisor never sees (by_mremap = 1). */
static void split(int by_mremap) {
  if (drop_to_nobody())
    return;
  int fb = split_map_a();
  if (fb < 0 ||
      (by_mremap ? mremap(mmap((void *)0x200000000000ul, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE,
                              fb, 0),
                         4096, 4096, MREMAP_MAYMOVE | MREMAP_FIXED, split_at + 4096)
                 : mmap(split_at + 4096, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_FIXED,
                        fb, 0)) != split_at + 4096) {
    report_read("a WRPKRU split over two mappings", NULL);
    return;
  }
  static char out[48];
  split_jump(out);
  report_read("a WRPKRU split over two mappings", out);
}

static void split_mmap(void) { split(0); }
static void split_mremap(void) { split(1); }

int main(void) {
  struct attack a[] = {{"split-wrpkru", split_mmap}, {"split-wrpkru-mremap", split_mremap}};
  int r = run_attacks(a, 2);
  /* Data still moves (realloc of a large block): only code may not. */
  char *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p != MAP_FAILED)
    strcpy(p, "data");
  char *q = p == MAP_FAILED ? MAP_FAILED : mremap(p, 8192, 1 << 20, MREMAP_MAYMOVE);
  printf("data moved: %s\n", q != MAP_FAILED && !strcmp(q, "data") ? "ok" : strerror(errno));
  return r;
}
