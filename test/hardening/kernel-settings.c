// The supervisor refuses opens for writing of kernel settings that have
// the kernel run a program or a probe outside the filter (review 30:
// attacks-rev30-core-pattern.c, attacks-rev30-uprobe-uncopy.c), judged on
// the object opened, so any spelling of the path is refused alike; the
// process's own procfs files stay writable and the settings readable. A
// descriptor open for writing on such a setting from before the filter (a
// start-up library's, or inherited) stops the program when the filter is
// installed.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O1 %s -o %t
// RUN: %run %t allowed | FileCheck --check-prefix=ALLOWED %s
// RUN: not %run %t modprobe > %t.out 2>&1
// RUN: FileCheck --check-prefix=MODPROBE %s < %t.out
// ALLOWED: vault says 20
// ALLOWED: own comm written: 1
// ALLOWED: own oom_score_adj written: 1
// ALLOWED: core_pattern read: 1
// MODPROBE: vault says 20
// MODPROBE-NEXT: bulkhead: denied: open{{.*}}"/proc/self/../sys/kernel/./modprobe"{{.*}}a kernel setting (sysctl, sysfs, tracefs, debugfs, binfmt_misc, cgroup v1) can have the kernel run a program or a probe outside the filter
// MODPROBE-NOT: opened
// Any sysfs file, a module's parameter too (some name helper programs:
// nfsd's cltrack_prog, drbd's usermode_helper; review 36).
// RUN: not %run %t sysfs > %t.sysfs 2>&1
// RUN: FileCheck --check-prefix=SYSFS %s < %t.sysfs
// SYSFS: vault says 20
// SYSFS-NEXT: bulkhead: denied: open{{.*}}"/sys/module/printk/parameters/time"{{.*}}a kernel setting
// SYSFS-NOT: opened
// RUN: not %run %t held > %t.held 2>&1
// RUN: FileCheck --check-prefix=HELD %s < %t.held
// HELD: bulkhead: error: descriptor {{[0-9]+}} is open on /proc/sys/kernel/core_pattern: a kernel setting
// HELD-NOT: vault says
#include <bulkhead.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

BULKHEAD_DATA(vault) static char secret[32] = "TOP-SECRET-VAULT-KEY";
BULKHEAD_ENTRY(vault) int vault_len(void) { return (int)strlen(secret); }

/* Before the filter, as a start-up library's constructor could. */
__attribute__((constructor(101))) static void hold(int argc, char **argv) {
  if (argc > 1 && !strcmp(argv[1], "held"))
    open("/proc/sys/kernel/core_pattern", O_WRONLY);
}

static int write_file(const char *path, const char *text) {
  int fd = open(path, O_WRONLY);
  int ok = fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text);
  if (fd >= 0)
    close(fd);
  return ok;
}

static int readable(const char *path) {
  char c;
  int fd = open(path, O_RDONLY);
  int ok = fd >= 0 && read(fd, &c, 1) >= 0;
  if (fd >= 0)
    close(fd);
  return ok;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  printf("vault says %d\n", vault_len());
  if (argc > 1 && !strcmp(argv[1], "modprobe")) {
    int fd = open("/proc/self/../sys/kernel/./modprobe", O_RDWR);
    printf("modprobe opened for writing: %d\n", fd >= 0);
    return 0;
  }
  if (argc > 1 && !strcmp(argv[1], "sysfs")) {
    int fd = open("/sys/module/printk/parameters/time", O_WRONLY);
    printf("module parameter opened for writing: %d\n", fd >= 0);
    return 0;
  }
  printf("own comm written: %d\n", write_file("/proc/self/comm", "settings"));
  printf("own oom_score_adj written: %d\n",
         write_file("/proc/thread-self/oom_score_adj", "100"));
  printf("core_pattern read: %d\n", readable("/proc/sys/kernel/core_pattern"));
  return 0;
}
