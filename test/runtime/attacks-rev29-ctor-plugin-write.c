// Review 29, attacker model B (the default domain's program counter, any
// system call the filter allows), with a start-up library whose
// constructor loads a plugin with dlopen (Inputs/rev29-ctor-plugin.c,
// as plugin loaders do): after .preinit_array, where the runtime made
// the pages of start-up objects whose file the process could change its
// own copies (supervisor-own.c bh_own_startup_pages), and before the
// filter. The plugin's code is scanned at constructor 103 and then left
// the page cache's: docs/hardening.md calls such objects trusted start-up
// code, and they are, but their file is not. A private page the process
// never wrote shows every later write to its file.
//
// Here main (any code, after the filter) opens the plugin's file for
// writing (open is the supervisor's to make and lets a regular file
// through), and pwrite()s WRPKRU; RET over the plugin's function, at the
// file offset /proc/self/maps gives for it. Calling the function with
// eax = ecx = edx = 0 opens every key, and the vault's secret reads
// (ATTACK SUCCEEDED). Root may write every file; as another user, any
// plugin the process owns or whose group it may write is the same. The
// control leaves the file alone: the plugin's function answers as built.
//
// Seen in the guest (root): ATTACK SUCCEEDED; control: plugin says 7.
//
// Suggested fix: make the start-up copies once more at the filter's
// installation (constructor 103, before the final maps walk): every
// private file mapping made since .preinit_array whose file the process
// could change (bh_own_startup_pages' rule), so that the pages scanned
// are the pages that run; or refuse, under the filter, opens for writing
// of a file mapped executable (inode and device of the maps walk).
// Fixed: the start-up copies are made once more at the filter's
// installation (bh_own_startup_pages from install_filter; pages already
// copied, anonymous by /proc/self/pagemap, are left), so the plugin's pages
// are the process's own: the write reaches its file, not the code, and
// the vault's read faults.
// REQUIRES: pku
// RUN: rm -rf %t && mkdir -p %t
// RUN: %clang -O1 -shared -fPIC %S/Inputs/rev29-plugin.c -o %t/libplugin.so
// RUN: %clang -O1 -shared -fPIC -DPLUGIN='"%t/libplugin.so"' %S/Inputs/rev29-ctor-plugin.c -ldl -o %t/libctor.so
// RUN: %bulkhead_clang -fpkey-compartments -O1 %s -L%t -Wl,--no-as-needed -lctor -Wl,-rpath,%t -o %t/prog
// RUN: env BULKHEAD_VM_FILES=%t/libplugin.so %run %t/prog control > %t/control.out 2>&1
// RUN: FileCheck --check-prefix=CONTROL %s < %t/control.out
// RUN: env BULKHEAD_VM_FILES=%t/libplugin.so %run %t/prog attack > %t/out 2>&1; FileCheck %s < %t/out
// CONTROL: plugin says 7
// CONTROL-NOT: ATTACK SUCCEEDED
// CHECK: opened: 1, written: 4
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: bulkhead: protection-key fault: access to 0x{{[0-9a-f]+}} in compartment 'vault'
#define _GNU_SOURCE
#include <bulkhead.h>
#include "Inputs/backing-file.h"
#include "Inputs/steal-secret.h"
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

BULKHEAD_DATA(vault) static char secret[32] = "TOP-SECRET-VAULT-KEY";
BULKHEAD_ENTRY(vault) int vault_len(void) { return (int)strlen(secret); }

extern void *volatile rev29_plugin_code;

int main(int argc, char **argv) {
  int attack = argc > 1 && !strcmp(argv[1], "attack");
  printf("vault says %d\n", vault_len());
  void *code = rev29_plugin_code;
  printf("plugin found: %d\n", code != NULL);
  if (!code)
    return 1;
  if (!attack) {
    printf("plugin says %d\n", ((int (*)(int))code)(2));
    return 0;
  }
  char path[4096];
  long long off;
  if (backing((uintptr_t)code, path, sizeof path, &off))
    return 1;
  int fd = open(path, O_RDWR);
  /* WRPKRU; RET, made at run time: the program holds no such bytes. */
  static volatile unsigned char op = 0xee;
  unsigned char bytes[4] = {0x0f, 0x01, (unsigned char)(op + 1), 0xc3};
  long w = fd < 0 ? -1 : (long)pwrite(fd, bytes, sizeof bytes, off);
  printf("file %s opened: %d, written: %ld\n", path, fd >= 0, w);
  fflush(stdout);
  steal_secret(code, secret);
  return 0;
}
