// The rule against files the process could change
// (runtime/supervisor-exec.c changeable()) judges the caller by its
// effective capabilities (CapEff: CAP_DAC_OVERRIDE or CAP_FOWNER means
// "root: scanned only", docs/hardening.md) and its file-system user id.
// A process that stepped down for a while (setresuid(-1, 65534, -1): the
// effective and file-system ids are nobody's, CapEff is empty, the saved
// id is still root and the permitted capabilities are all there) is
// judged as nobody: a file root owns, mode 0644, "cannot be changed" and
// is mapped after the scan. The default domain then steps back up
// (setresuid(-1, 0, -1), allowed by the saved id), writes WRPKRU; ret into
// the file, which the private mapping shows, and jumps to it with eax =
// ecx = edx = 0: every key opens and the vault's page reads. Servers that
// drop root with seteuid and keep the way back are this case; so is a
// process whose permitted capabilities hold CAP_DAC_OVERRIDE with an empty
// effective set (capset raises it). Found in the fifth review (attacker
// model B); reproduced in the QEMU guest (6.1).
//
// Fixed by closing the root limitation for writes: once the kernel has
// mapped the file, and before any thread of the process runs again, the
// supervisor writes every page of the new mapping with its own bytes
// through /proc/<pid>/mem (runtime/supervisor-own.c). The write breaks
// copy-on-write: the pages are the process's own copies, which a later
// write to the file does not reach, and the supervisor scans those
// copies, not the file. The root step-up and its write still happen;
// the mapping does not show them, and the jump lands on the file's old
// bytes (int3: SIGTRAP). It failed before ("mapping shows the write: 1",
// ATTACK SUCCEEDED). Truncation still drops the copies:
// attacks-root-truncate.c.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t.on
// RUN: %run %t.on | FileCheck %s --check-prefix=ON
// ON-NOT: ATTACK SUCCEEDED
// ON: mapped
// ON-NEXT: root wrote the file: 1
// ON-NEXT: mapping shows the write: 0
// ON: saved-root: stopped by signal 5
// ON: parent's vault intact: 1
#include "Inputs/target.h"
#include "Inputs/libc-wrpkru.h"
static void attack(void) {
  static unsigned char page[4096];
  memset(page, 0xcc, sizeof page);
  int fd = open("/tmp/r5su-code", O_RDWR | O_CREAT | O_TRUNC, 0644);
  if (fd < 0 || write(fd, page, sizeof page) != sizeof page || close(fd)) {
    printf("setup: %s\n", strerror(errno));
    return;
  }
  /* Root steps down for a while: effective user nobody, saved user root. */
  if (setresuid(-1, 65534, -1)) {
    printf("setup: %s\n", strerror(errno));
    return;
  }
  fd = open("/tmp/r5su-code", O_RDONLY);
  unsigned char *m =
      fd < 0 ? MAP_FAILED : mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
  if (m == MAP_FAILED) {
    report_read("a file root wrote after stepping back up", NULL);
    return;
  }
  printf("mapped\n");
  fflush(stdout);
  const unsigned char code[4] = {0x0f, 0x01, (unsigned char)(0xff ^ flip), 0xc3};
  int w = setresuid(-1, 0, -1) ? -1 : open("/tmp/r5su-code", O_WRONLY);
  if (w < 0 || pwrite(w, code, 4, 0x100) != 4) {
    report_read("a file root wrote after stepping back up", NULL);
    return;
  }
  printf("root wrote the file: 1\nmapping shows the write: %d\n", !memcmp(m + 0x100, code, 4));
  fflush(stdout);
  static char out[48];
  JUMP_AND_READ(m + 0x100, out);
  report_read("a file root wrote after stepping back up", out);
}

int main(void) {
  struct attack a[] = {{"saved-root", attack}};
  return run_attacks(a, 1);
}
