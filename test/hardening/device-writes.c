// Opens for writing of devices that write physical memory or type input
// (review 34): /dev/port (here), /dev/mem, /dev/kmem, /dev/uinput and the
// event devices are refused by the supervisor, with one line; reading is
// not. Judged by the device number, so any name of the node is the same.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O1 %s -o %t
// RUN: %run %t > %t.out 2>&1 || true
// RUN: FileCheck %s < %t.out
// CHECK: read-only open of a new name for /dev/port: ok
// CHECK: bulkhead: denied: openat{{.*}}/tmp/bh-port-alias{{.*}}the device writes physical memory or types input
// CHECK-NOT: written
#define _GNU_SOURCE
#include <bulkhead.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

BULKHEAD_DATA(vault) static char secret[32] = "TOP-SECRET-VAULT-KEY";
BULKHEAD_ENTRY(vault) int vault_len(void) { return (int)sizeof secret; }

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  vault_len();
  unlink("/tmp/bh-port-alias");
  if (mknod("/tmp/bh-port-alias", S_IFCHR | 0600, makedev(1, 4)))
    return perror("mknod"), 1;
  int fd = open("/tmp/bh-port-alias", O_RDONLY);
  printf("read-only open of a new name for /dev/port: %s\n",
         fd >= 0 ? "ok" : "refused");
  fd = open("/tmp/bh-port-alias", O_WRONLY);
  printf("written: %d\n", fd);
  return 0;
}
