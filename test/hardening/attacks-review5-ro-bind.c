// The supervisor's rule against files the process could change
// (runtime/supervisor-exec.c changeable()) accepts any file whose mount is
// read-only (fstatvfs ST_RDONLY), "and our process cannot remount it".
// But ST_RDONLY is the mount's flag: a read-only bind mount shows a
// directory that is writable at its other path, and a file the process
// owns there can be mapped executable through the read-only path and
// written through the writable one after the scan; the private mapping
// shows the write (its pages were never copied). The default domain
// (uid 65534, owning the file) maps /tmp/r5ro/code, scanned clean (int3),
// writes WRPKRU; ret into /tmp/r5rw/code, and jumps to it with eax = ecx
// = edx = 0: every key opens and the vault's page reads. The read-only bind mount is the
// environment's (a container's read-only volume, systemd's
// ReadOnlyPaths= of a tree also reachable read-write); here a plain
// launcher, run first as root, makes it and runs the program. Found in the
// fifth review (attacker model B); reproduced in the QEMU guest (6.1) as
// uid 65534.
//
// Fixed (runtime/supervisor-exec.c changeable): no read-only-mount
// exception; the owner and mode rules apply to such files too (a
// distribution's libraries are root's, 0644). Such a file, the process's
// own, is now mapped as a sealed copy (runtime/supervisor-sealed.c): the
// write does not reach the code, which runs its int3 (SIGTRAP). The
// control then maps the writable path, whose file now holds the WRPKRU
// that child wrote: the scan refuses it.
// REQUIRES: pku
// The launcher links the hardened program's libraries, so that the guest
// runner copies them in with it.
// RUN: %clang -DLAUNCHER -O2 %s -o %t.launch -Wl,--no-as-needed -l:libmimalloc.so.2 -l:libgcc_s.so.1
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-syscall-filter -O2 %s -o %t.off
// RUN: env BULKHEAD_VM_FILES=%t.off %run %t.launch %t.off | FileCheck %s --check-prefix=OFF
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t.on
// RUN: env BULKHEAD_VM_FILES=%t.on %run %t.launch %t.on | FileCheck %s --check-prefix=ON
// OFF: == ro-bind
// OFF-NEXT: mapped
// OFF-NEXT: ATTACK SUCCEEDED: code on a read-only bind mount read "vault-secret
// ON-NOT: ATTACK SUCCEEDED
// ON: mapped
// ON-NEXT: ro-bind: stopped by signal 5
// ON: rw-path: stopped by signal 9
// ON: parent's vault intact: 1
#ifdef LAUNCHER
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

/* As root: a directory and a read-only bind mount of it, holding a page
 * of int3 owned by nobody; then the program. */
int main(int argc, char **argv) {
  static char page[4096];
  memset(page, 0xcc, sizeof page);
  mkdir("/tmp", 01777);
  mkdir("/tmp/r5rw", 0755);
  mkdir("/tmp/r5ro", 0755);
  int fd = open("/tmp/r5rw/code", O_RDWR | O_CREAT | O_TRUNC, 0644);
  if (argc < 2 || fd < 0 || write(fd, page, sizeof page) != sizeof page ||
      fchown(fd, 65534, 65534) || close(fd) ||
      mount("/tmp/r5rw", "/tmp/r5ro", NULL, MS_BIND, NULL) ||
      mount(NULL, "/tmp/r5ro", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL)) {
    perror("launcher");
    return 1;
  }
  execv(argv[1], argv + 1);
  perror("launcher: exec");
  return 1;
}
#else
#include "Inputs/target.h"
#include "Inputs/libc-wrpkru.h"

static void attack(const char *path) {
  if (drop_to_nobody())
    return;
  int fd = open(path, O_RDONLY);
  unsigned char *m =
      fd < 0 ? MAP_FAILED : mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
  if (m == MAP_FAILED) {
    report_read("code on a read-only bind mount", NULL);
    return;
  }
  printf("mapped\n");
  fflush(stdout);
  /* After the scan: WRPKRU; ret, through the writable path. */
  const unsigned char code[4] = {0x0f, 0x01, (unsigned char)(0xff ^ flip), 0xc3};
  int w = open("/tmp/r5rw/code", O_WRONLY);
  if (w < 0 || pwrite(w, code, 4, 0x100) != 4) {
    report_read("code on a read-only bind mount", NULL);
    return;
  }
  static char out[48];
  JUMP_AND_READ(m + 0x100, out);
  report_read("code on a read-only bind mount", out);
}

static void ro_bind(void) { attack("/tmp/r5ro/code"); }
static void rw_path(void) { attack("/tmp/r5rw/code"); }

int main(void) {
  struct attack a[] = {{"ro-bind", ro_bind}, {"rw-path", rw_path}};
  return run_attacks(a, 2);
}
#endif
