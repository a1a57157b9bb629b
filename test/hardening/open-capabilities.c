// The supervisor makes a protected program's opens for it, and they must
// be no more than the kernel would allow the caller. It took a root
// caller's ids and groups, not its capabilities (review 36, reasoned): a
// root program that dropped CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH
// opened a file of mode 0 all the same, with the supervisor's. Now the
// opening thread takes the caller's effective capabilities too
// (runtime/supervisor-open.c take_credentials). Before: "opened" for the
// dropped run. The control keeps them and opens the file.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O1 %s -o %t
// RUN: %run %t > %t.out 2>&1
// RUN: FileCheck %s < %t.out
// CHECK: uid 0
// CHECK: with CAP_DAC_OVERRIDE: opened
// CHECK: without: Permission denied
// CHECK: vault says 20
#include <bulkhead.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

BULKHEAD_DATA(vault) static char secret[32] = "TOP-SECRET-VAULT-KEY";
BULKHEAD_ENTRY(vault) int vault_len(void) { return (int)strlen(secret); }

static void try_open(const char *what, const char *path) {
  int fd = open(path, O_RDONLY);
  printf("%s: %s\n", what, fd >= 0 ? "opened" : strerror(errno));
  if (fd >= 0)
    close(fd);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  printf("uid %d\n", (int)getuid());
  char path[] = "/tmp/bh-mode0-XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0 || fchmod(fd, 0) || close(fd))
    return perror("mode-0 file"), 1;
  try_open("with CAP_DAC_OVERRIDE", path);
  struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
  struct __user_cap_data_struct d[2];
  if (syscall(SYS_capget, &h, d))
    return perror("capget"), 1;
  d[0].effective &= ~((1u << CAP_DAC_OVERRIDE) | (1u << CAP_DAC_READ_SEARCH));
  if (syscall(SYS_capset, &h, d))
    return perror("capset"), 1;
  try_open("without", path);
  unlink(path);
  printf("vault says %d\n", vault_len());
  return 0;
}
