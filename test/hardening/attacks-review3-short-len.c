// The supervisor's scan of an executable file mapping (judge() in
// runtime/supervisor-exec.c) searches the bytes [offset, offset + len) of
// the file, len as the call gives it; the kernel maps whole pages, len
// rounded up to the page size. An mmap(PROT_READ|PROT_EXEC) of one byte
// has one byte scanned and a page mapped. The default domain maps, so,
// the page of the system's libc.so.6 (root's, nobody may write it: the
// rule against changeable files passes) that holds pkey_set's
// "WRPKRU; xor %eax,%eax; ret" (gadgets.c made the copy loaded at
// start-up unusable, not the file), and jumps there with eax = ecx = edx
// = 0: every key opens, and the vault's page reads. The control maps the
// same page with len 4096 and is refused. Found in the third review of
// the default domain's program counter (attacker model B); reproduced in
// the QEMU guest (6.1) as uid 65534.
//
// Fixed (runtime/supervisor-exec.c): the scan covers the length rounded
// up to whole pages, what the kernel maps. This test expects the attack to
// be refused (the child stopped by a signal); it failed before the fix.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-syscall-filter -O2 %s -o %t.off
// RUN: %run %t.off | FileCheck %s --check-prefix=OFF
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t.on
// RUN: %run %t.on | FileCheck %s --check-prefix=ON
// OFF: == whole-page
// OFF-NEXT: ATTACK SUCCEEDED
// OFF: == one-byte
// OFF-NEXT: ATTACK SUCCEEDED: a WRPKRU in a page mapped with length 1 read "vault-secret
// ON-NOT: ATTACK SUCCEEDED
// ON: whole-page: stopped by signal 9
// ON: one-byte: stopped by signal 9
// ON: parent's vault intact: 1
#include "Inputs/target.h"
#include "Inputs/libc-wrpkru.h"
#include <grp.h>

static void attack(size_t len) {
  if (drop_to_nobody())
    return;
  int fd = open(LIBC, O_RDONLY | O_CLOEXEC);
  long at = fd < 0 ? -1 : wrpkru_offset(fd);
  unsigned char *m =
      at < 0 ? MAP_FAILED
             : mmap(NULL, len, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, at & ~4095l);
  if (m == MAP_FAILED) {
    report_read("a WRPKRU in a page mapped with length 1", NULL);
    return;
  }
  /* The jump an attacker with the program counter makes (eax = ecx = edx
   * = 0: every key open), and the copy in the same breath. */
  static char out[48];
  JUMP_AND_READ(m + (at & 4095), out);
  report_read("a WRPKRU in a page mapped with length 1", out);
}

static void whole_page(void) { attack(4096); } /* the control */
static void one_byte(void) { attack(1); }

int main(void) {
  struct attack a[] = {{"whole-page", whole_page}, {"one-byte", one_byte}};
  return run_attacks(a, 2);
}
