// The filter sends an mremap to the supervisor when it grows a mapping,
// and the supervisor refuses growth of an executable one (file bytes
// nobody scanned): "new length above old length" on the raw registers.
// The kernel page-aligns both first, and an old length within a page of
// 2^64 (0xfffffffffffff001) aligns to 0: mremap's "duplicate a shared
// mapping" case, which maps new length bytes of the same file from the
// same offset at a new address, with the old mapping's rights. The raw
// old length is the larger, so the filter takes the call for a shrink, and
// its range checks (addr + old length wraps below addr) miss every range:
// the call never reaches the supervisor. The default domain maps the first
// page of the system's libc.so.6 (nobody may write it; no WRPKRU in that
// page: the scan lets it through) PROT_READ|PROT_EXEC, MAP_SHARED, where
// no protected range follows within the new length, then
// duplicates it so, with a new length that reaches pkey_set's
// "WRPKRU; xor %eax,%eax; ret", jumps there with eax = ecx = edx = 0, and
// reads the vault. The control grows the same mapping with an honest old
// length and is refused. Found in the third review of the default
// domain's program counter (attacker model B); reproduced in the QEMU
// guest (6.1) as uid 65534.
//
// Fixed: the filter sends every mremap whose old length's high word is
// 0xffffffff to the supervisor, which compares the lengths in whole pages
// as the kernel will (runtime/bpf.c, supervisor.c). This test expects the
// attack to be refused (the child stopped by a signal); it failed before.
// Since the root limitation's fix an executable file mapping must be
// private (but of a sealed memfd), so both attempts now end at the first
// mmap, MAP_SHARED of libc.so.6, before the mremap.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-syscall-filter -O2 %s -o %t.off
// RUN: %run %t.off | FileCheck %s --check-prefix=OFF
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t.on
// RUN: %run %t.on | FileCheck %s --check-prefix=ON
// OFF: == honest-grow
// OFF-NEXT: ATTACK SUCCEEDED
// OFF: == aligned-to-zero
// OFF-NEXT: ATTACK SUCCEEDED: a WRPKRU in a duplicated shared mapping read "vault-secret
// ON-NOT: ATTACK SUCCEEDED
// ON: honest-grow: stopped by signal 9
// ON: aligned-to-zero: stopped by signal 9
// ON: parent's vault intact: 1
#include "Inputs/target.h"
#include "Inputs/libc-wrpkru.h"
#include <grp.h>

static void attack(size_t old) {
  if (drop_to_nobody())
    return;
  int fd = open(LIBC, O_RDONLY | O_CLOEXEC);
  long at = fd < 0 ? -1 : wrpkru_offset(fd);
  /* Where nothing follows for 4 MiB: the filter checks the new length
   * from addr against the protected ranges too. */
  void *room = mmap(NULL, 4 << 20, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (room != MAP_FAILED)
    munmap(room, 4 << 20);
  unsigned char *m = at < 4096 || room == MAP_FAILED
                         ? MAP_FAILED
                         : mmap(room, 4096, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
  unsigned char *g = m == MAP_FAILED
                         ? MAP_FAILED
                         : mremap(m, old, (size_t)(at + 4096) & ~4095ul, MREMAP_MAYMOVE);
  if (g == MAP_FAILED) {
    report_read("a WRPKRU in a duplicated shared mapping", NULL);
    return;
  }
  /* The jump an attacker with the program counter makes (eax = ecx = edx
   * = 0: every key open), and the copy in the same breath. */
  static char out[48];
  JUMP_AND_READ(g + at, out);
  report_read("a WRPKRU in a duplicated shared mapping", out);
}

static void honest_grow(void) { attack(4096); } /* the control */
static void aligned_to_zero(void) { attack(0xfffffffffffff001ul); }

int main(void) {
  struct attack a[] = {{"honest-grow", honest_grow}, {"aligned-to-zero", aligned_to_zero}};
  return run_attacks(a, 2);
}
