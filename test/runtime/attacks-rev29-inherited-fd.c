// Review 29, attacker model B (the default domain's program counter, any
// system call the filter allows), with a descriptor the program inherits:
// its parent (root, here a launcher) opened a start-up library's file for
// writing and then started the program as nobody, the descriptor still
// open (fd 9). supervisor-own.c decides which start-up objects to copy by
// the process's ids and capabilities only (bh_file_changeable,
// could_become): nobody cannot change the root-owned library, so its
// pages stay the page cache's, and a write through the descriptor after
// main is code no scan saw. The supervisor's own rule for files mapped
// after start-up counts such descriptors (supervisor-exec.c: "a
// descriptor or shared writable mapping it kept"), and copies every one.
//
// Here main pwrite()s WRPKRU; RET over the library's function through
// fd 9, at the file offset /proc/self/maps gives, and calls it with eax =
// ecx = edx = 0: every key opens and the vault's secret reads (ATTACK
// SUCCEEDED). The control (the same launch, no write) calls the function
// as built (7).
//
// Seen in the guest (launched by root as nobody): ATTACK SUCCEEDED;
// control: library says 7.
//
// Suggested fix: in bh_own_startup_pages, count a file as changeable
// also when a descriptor the process holds at start-up is open on it for
// writing (walk /proc/self/fdinfo: flags O_WRONLY/O_RDWR, compare device
// and inode), or when any shared writable mapping of it exists.
// Fixed: a descriptor open for writing on the file (/proc/self/fd)
// counts as a way to change it, so the library's pages are copied at
// start-up: the write reaches the file, not the code, and the vault's read
// faults.
// REQUIRES: pku
// RUN: rm -rf %t && mkdir -p %t
// RUN: %clang -O1 -shared -fPIC %S/Inputs/rev29-startup-lib.c -o %t/libstart.so
// RUN: %clang -DLAUNCHER -O1 %s -o %t/launch -L%t -Wl,--no-as-needed -lstart -l:libmimalloc.so.2 -l:libgcc_s.so.1 -Wl,-rpath,%t
// RUN: %bulkhead_clang -fpkey-compartments -O1 %s -L%t -Wl,--no-as-needed -lstart -Wl,-rpath,%t -o %t/prog
// RUN: env BULKHEAD_VM_FILES=%t/prog %run %t/launch %t/libstart.so %t/prog control > %t/control.out 2>&1
// RUN: FileCheck --check-prefix=CONTROL %s < %t/control.out
// RUN: env BULKHEAD_VM_FILES=%t/prog %run %t/launch %t/libstart.so %t/prog attack > %t/out 2>&1; FileCheck %s < %t/out
// CONTROL: uid 65534
// CONTROL: library says 7
// CONTROL-NOT: ATTACK SUCCEEDED
// CHECK: uid 65534
// CHECK: written through fd 9: 4
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: bulkhead: protection-key fault: access to 0x{{[0-9a-f]+}} in compartment 'vault'
#define _GNU_SOURCE
#include <fcntl.h>
#include <grp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#ifdef LAUNCHER
/* launch LIB PROG ARGS...: LIB open for writing on fd 9, then PROG as
 * nobody. */
int main(int argc, char **argv) {
  if (argc < 3)
    return 2;
  int fd = open(argv[1], O_RDWR);
  if (fd < 0 || dup2(fd, 9) != 9 || setgroups(0, NULL) ||
      setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534)) {
    perror("launch");
    return 2;
  }
  execv(argv[2], argv + 2);
  perror("execv");
  return 2;
}
#else
#include <bulkhead.h>
#include "Inputs/backing-file.h"
#include "Inputs/steal-secret.h"

BULKHEAD_DATA(vault) static char secret[32] = "TOP-SECRET-VAULT-KEY";
BULKHEAD_ENTRY(vault) int vault_len(void) { return (int)strlen(secret); }

extern int (*volatile rev29_lib_code)(int);

int main(int argc, char **argv) {
  int attack = argc > 1 && !strcmp(argv[1], "attack");
  printf("uid %d\nvault says %d\n", (int)getuid(), vault_len());
  void *code = (void *)rev29_lib_code;
  if (!attack) {
    printf("library says %d\n", rev29_lib_code(2));
    return 0;
  }
  /* WRPKRU; RET, made at run time: the program holds no such bytes. */
  static volatile unsigned char op = 0xee;
  unsigned char bytes[4] = {0x0f, 0x01, (unsigned char)(op + 1), 0xc3};
  long long off = -1;
  backing((uintptr_t)code, NULL, 0, &off);
  printf("written through fd 9: %ld\n",
         off < 0 ? -1L : (long)pwrite(9, bytes, sizeof bytes, off));
  fflush(stdout);
  steal_secret(code, secret);
  return 0;
}
#endif
