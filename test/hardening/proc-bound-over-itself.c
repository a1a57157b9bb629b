// Containers bind parts of /proc over themselves, read-only (Docker:
// /proc/sys, /proc/bus, /proc/fs, /proc/irq, /proc/sysrq-trigger). A file
// there is reached through another mount than /proc's, and the supervisor
// no longer trusts its name (review 34, attacks-rev34-bind-mem.c): it
// still lets such a file be read unless it could be a memory file (mode
// 0600), so a hardened program in a container reads its sysctls.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O1 %s -o %t
// RUN: env BULKHEAD_VM_FILES=%t:/lib/x86_64-linux-gnu/libmimalloc.so.2:/lib/x86_64-linux-gnu/libgcc_s.so.1 %run /bin/sh -c 'mount --bind /proc/sys /proc/sys && mount -o remount,bind,ro /proc/sys && exec %t' > %t.out 2>&1 || true
// RUN: FileCheck %s < %t.out
// CHECK: vm.overcommit_memory through a bind: {{[0-2]}}
// CHECK-NOT: bulkhead: denied
// CHECK: proc-bound-over-itself: done
#include <bulkhead.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

BULKHEAD_DATA(vault) static char secret[32] = "TOP-SECRET-VAULT-KEY";
BULKHEAD_ENTRY(vault) int vault_len(void) { return (int)sizeof secret; }

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  vault_len();
  char v[8] = "?";
  int fd = open("/proc/sys/vm/overcommit_memory", O_RDONLY);
  if (fd < 0 || read(fd, v, 1) != 1)
    perror("open");
  printf("vm.overcommit_memory through a bind: %c\n", v[0]);
  printf("proc-bound-over-itself: done\n");
  return 0;
}
