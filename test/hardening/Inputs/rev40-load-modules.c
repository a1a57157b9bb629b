// Loads the netfilter modules Inputs/rev40-netfilter-modules.py copied
// for the running kernel (DIR/<release>/), in dependency order, then
// execs the rest of its arguments: attacks-rev40-proc-net-dac.c needs a
// procfs file under /proc/<pid>/net that only root may read, and the
// guest's kernel has none built in. Already loaded counts as loaded.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

static const char *const modules[] = {
    "crc32c_generic.ko", "libcrc32c.ko",   "nf_defrag_ipv4.ko",
    "nf_defrag_ipv6.ko", "nf_conntrack.ko", "x_tables.ko",
    "ip_tables.ko"};

int main(int argc, char **argv) {
  struct utsname u;
  if (argc < 3 || uname(&u))
    return 2;
  for (unsigned i = 0; i < sizeof modules / sizeof *modules; i++) {
    char path[512];
    snprintf(path, sizeof path, "%s/%s/%s", argv[1], u.release, modules[i]);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || (syscall(SYS_finit_module, fd, "", 0) && errno != EEXIST)) {
      printf("module %s: %s\n", path, strerror(errno));
      return 1;
    }
    close(fd);
  }
  puts("modules loaded");
  fflush(stdout);
  execv(argv[2], argv + 2);
  perror("execv");
  return 1;
}
