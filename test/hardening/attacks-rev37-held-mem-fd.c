// Review 37, attacker model B (the default domain's program counter, any
// system call the filter allows), with a plain start-up library that
// keeps a descriptor of /proc/self/mem, opened for reading in its
// constructor (before the filter). The supervisor judges opens; what the
// process already holds when the filter is installed is looked at by
// syscalls.c refuse_setting_descriptors only, which asks bh_kernel_setting:
// descriptors open for writing on kernel settings. One open for reading
// is never looked at, and judge (which refuses a memory file of our
// process) is never asked. After main the default domain finds the
// descriptor (readlink of /proc/self/fd/<n>, no open) and reads the vault
// through it (a remote access: no key check).
//
// Here Inputs/rev37-hold-mem.c is that library; main walks /proc/self/fd
// and preads the vault's secret through the descriptor named
// /proc/<pid>/mem.
//
// Seen in the guest (Debian's 6.1.0-57): ATTACK SUCCEEDED. The same
// library holding the file for writing (O_RDWR) was refused at start-up
// ("descriptor 3 is open for writing on /proc/<pid>/mem: a kernel
// setting ..."). Reasoned from the code: in the process, after the
// filter, proc_name's openat2 is the supervisor's to make, which moves a
// path relative to /proc's root under the caller's root and fails
// RESOLVE_NO_XDEV, so no procfs file has a true name there and every one
// held for writing is refused (the caller's own /proc/self/attr or
// oom_score_adj too: fail-closed).
//
// Suggested fix: at the filter's installation, refuse (fatal) any held
// descriptor that judge would refuse, for reading too (a memory file of
// our process: /proc/<pid>/mem, task/<tid>/mem; any procfs file only its
// owner may open without a true name), not only kernel settings; and
// take the names before the filter (bh_names_take, and the lookups, made
// before seccomp) so that they can be judged.
//
// Fixed: a descriptor held at the filter's installation on a memory file
// (runtime/supervisor-open.c bh_memory_file) stops the program before
// main; names are looked up with an O_PATH openat, which the process may
// make under its filter.
// REQUIRES: pku
// RUN: rm -rf %t && mkdir -p %t
// RUN: %clang -O1 -shared -fPIC %S/Inputs/rev37-hold-mem.c -o %t/libholdmem.so
// RUN: %bulkhead_clang -fpkey-compartments -O1 %s -L%t -Wl,--no-as-needed -lholdmem -Wl,-rpath,%t -o %t/prog
// RUN: not %run %t/prog > %t/out 2>&1
// RUN: FileCheck %s < %t/out
// CHECK: bulkhead: error: descriptor {{[0-9]+}} is open on /proc/{{[0-9]+}}/mem: reading or writing a process's memory
// CHECK-NOT: ATTACK SUCCEEDED
#define _GNU_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bulkhead.h>

BULKHEAD_DATA(vault) static char secret[32] = "TOP-SECRET-VAULT-KEY";
BULKHEAD_ENTRY(vault) int vault_len(void) { return (int)strlen(secret); }

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  printf("vault says %d\n", vault_len());
  char want[64], link[300], name[300], copy[32] = {0};
  snprintf(want, sizeof want, "/proc/%d/mem", (int)getpid());
  int found = -1;
  DIR *d = opendir("/proc/self/fd");
  for (struct dirent *e; d && found < 0 && (e = readdir(d));) {
    snprintf(link, sizeof link, "/proc/self/fd/%s", e->d_name);
    ssize_t n = readlink(link, name, sizeof name - 1);
    name[n > 0 ? n : 0] = 0;
    if (!strcmp(name, want))
      found = atoi(e->d_name);
  }
  if (d)
    closedir(d);
  printf("held descriptor found: %d\n", found >= 0);
  if (found >= 0 && pread(found, copy, 31, (off_t)(unsigned long)secret) > 0 &&
      strstr(copy, "TOP-SECRET"))
    printf("ATTACK SUCCEEDED: the vault's secret read through a held "
           "memory file: %s\n",
           copy);
  else
    printf("attack failed\n");
  return 0;
}
