// Review 40, attacker B (the default domain's program counter, any system
// call the filter allows), in a program that started as root and then
// became nobody (65534). Since 5a70fa5 an open the supervisor makes for
// a caller and the kernel refuses (EACCES, EPERM) is tried once more with
// CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH when its name starts with the
// caller's own /proc/<tgid>/ (own_proc_file), meant for the files the
// kernel lets a process's own threads open whatever their ids. But not
// everything under /proc/<pid>/ is the process's: /proc/<pid>/net is its
// network namespace's procfs tree, the very files /proc/net shows, and
// some of them only root may read (0440: netfilter's nf_conntrack, the
// connections of every user on the host; ip_tables_names, _targets,
// _matches). CAP_DAC_READ_SEARCH passes their permission check for any
// caller, dumpable or not: /proc/self/net/<file> is rewritten to
// /proc/<tgid>/net/<file> and opened. (The same retry also opens the
// process's own root-owned 0400 files, environ, auxv, syscall, io,
// mountstats, pagemap, which the kernel refuses a process that is not
// dumpable, itself included: its own data only, not tested here.)
//
// Here the guest's kernel has no such file built in, so a plain loader
// (Inputs/rev40-load-modules.c) loads nf_conntrack and ip_tables from the
// host's /lib/modules first (natively, as root, it loads them into the
// running kernel), then runs PROG, which becomes nobody and opens the
// same files as /proc/net/<file> (refused: the control, no retry for
// that name) and as /proc/self/net/<file>. The plain build (the kernel's
// own answer) is refused both.
//
// Seen in the guest (root, Debian's 6.1.0-57, built by hand as these RUN
// lines do): plain: every open "Permission denied"; PROG: the control
// "Permission denied", then /proc/self/net/nf_conntrack,
// ip_tables_names, ip_tables_targets ("ERROR") and ip_tables_matches
// ("icmp") opened: ATTACK SUCCEEDED. No vault is read: files of root's
// that a caller could not open itself are.
//
// Fixed: the retry adds CAP_SYS_PTRACE only. After the fix, in the guest
// (LLVM 22 build): every open "Permission denied", as for the plain build.
// Only in the guest (pku-vm): it loads kernel modules, never into a real
// host's kernel.
// REQUIRES: pku-vm
// RUN: rm -rf %t && mkdir %t
// RUN: %python %S/Inputs/rev40-netfilter-modules.py %t/mods
// RUN: %clang -O1 %S/Inputs/rev40-load-modules.c -o %t/load
// RUN: %clang -O1 -DPLAIN %s -o %t/plain
// RUN: %bulkhead_clang -fpkey-compartments -O1 %s -o %t/prog
// RUN: env BULKHEAD_VM_FILES=%t/mods:%t/plain %run %t/load %t/mods %t/plain > %t/plain.out 2>&1
// RUN: FileCheck %s < %t/plain.out
// RUN: env BULKHEAD_VM_FILES=%t/mods:%t/prog %run %t/load %t/mods %t/prog > %t/out 2>&1
// RUN: FileCheck %s --check-prefixes=CHECK,VAULT < %t/out
// CHECK: modules loaded
// CHECK: uid 65534
// CHECK: /proc/net/nf_conntrack: Permission denied
// CHECK: /proc/net/ip_tables_matches: Permission denied
// CHECK-NOT: ATTACK SUCCEEDED
// VAULT: vault says 20
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#ifndef PLAIN
#include <bulkhead.h>
BULKHEAD_DATA(vault) static char secret[32] = "TOP-SECRET-VAULT-KEY";
BULKHEAD_ENTRY(vault) int vault_len(void) { return (int)strlen(secret); }
#endif

static const char *const files[] = {"nf_conntrack", "ip_tables_names",
                                    "ip_tables_targets", "ip_tables_matches"};

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  if (setgid(65534) || setuid(65534)) {
    puts("not root: nothing to see");
    return 1;
  }
  printf("uid %d\n", (int)getuid());
  char path[96];
  for (unsigned i = 0; i < sizeof files / sizeof *files; i++) {
    snprintf(path, sizeof path, "/proc/net/%s", files[i]); /* the control */
    int fd = open(path, O_RDONLY);
    printf("%s: %s\n", path, fd >= 0 ? "opened" : strerror(errno));
    if (fd >= 0)
      close(fd);
  }
  for (unsigned i = 0; i < sizeof files / sizeof *files; i++) {
    snprintf(path, sizeof path, "/proc/self/net/%s", files[i]);
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
      printf("%s: %s\n", path, strerror(errno));
      continue;
    }
    char buf[64] = "";
    ssize_t n = read(fd, buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = 0;
    buf[strcspn(buf, "\n")] = 0;
    printf("ATTACK SUCCEEDED: %s (root's, mode 0440) opened as nobody: "
           "\"%s\"\n",
           path, buf);
    close(fd);
  }
#ifndef PLAIN
  printf("vault says %d\n", vault_len());
#endif
  return 0;
}
