/*
 * supervisor-sealed.c - the sealed copy every new executable mapping of
 * a file is made from (docs/hardening.md, "Executable file mappings"; a
 * memfd the process sealed itself is mapped as it is). The supervisor
 * copies the file's bytes into a memfd, seals it against every change
 * (write, shrink, grow, new seals) and, while every thread of the process
 * is stopped, puts it in the caller's descriptor slot in place of the
 * file (supervisor-exec.c): the kernel maps the copy, and nothing done to
 * the file later (a write, a truncation, MADV_DONTNEED dropping a private
 * page so it is read again), by anyone, reaches what runs. The copy is of
 * the whole file (ld.so maps the object's other segments from the same
 * descriptor): a process pays that much memory for each object it loads
 * after start-up.
 */
#define _GNU_SOURCE
#include "syscalls.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <unistd.h>

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#define MFD_NOEXEC_SEAL 0x0008U
#endif

int bh_sealed_copy(int fd, const char *path) {
  /* Named after the file: /proc/<pid>/maps shows "/memfd:<path> (deleted)". */
  char name[240];
  snprintf(name, sizeof name, "%s", path);
  int flags = MFD_CLOEXEC | MFD_ALLOW_SEALING;
  /* Its exec bits are for execve only; mmap's PROT_EXEC is not theirs:
   * whatever vm.memfd_noexec allows (MFD_EXEC and MFD_NOEXEC_SEAL are
   * unknown before Linux 6.3). */
  int m = memfd_create(name, flags | MFD_EXEC);
  if (m < 0)
    m = memfd_create(name, flags);
  if (m < 0)
    m = memfd_create(name, flags | MFD_NOEXEC_SEAL);
  if (m < 0)
    return -1;
  /* To its end, whatever its size said: a truncation meanwhile shows as
   * a shorter copy, which the judgement of the copy then refuses. */
  off_t off = 0;
  ssize_t k;
  while ((k = sendfile(m, fd, &off, 1 << 20)) > 0) {
  }
  int ro = -1;
  if (!k && !fcntl(m, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_SHRINK |
                                       F_SEAL_GROW | F_SEAL_SEAL)) {
    /* Read-only, as ld.so opened the file (the seals are the file's). */
    char self[64];
    snprintf(self, sizeof self, "/proc/self/fd/%d", m);
    ro = open(self, O_RDONLY | O_CLOEXEC);
  }
  int e = errno;
  close(m);
  errno = e;
  return ro;
}

int bh_swap_in(int listener, uint64_t id, pid_t tid, int target, int copy) {
  /* The slot keeps its close-on-exec flag and the position is the
   * file's: a program reading the descriptor on reads the same bytes.
   * Both read from the caller thread's own table (its process's leader
   * may have ended; the supervisor's descriptor of the file may be a new
   * open of it, at position 0). */
  struct bh_fdinfo fi;
  if (bh_read_fdinfo(tid, target, &fi) || fi.pos < 0 ||
      lseek(copy, (off_t)fi.pos, SEEK_SET) != (off_t)fi.pos)
    return -1;
  struct seccomp_notif_addfd a = {
      .id = id,
      .flags = SECCOMP_ADDFD_FLAG_SETFD,
      .srcfd = (uint32_t)copy,
      .newfd = (uint32_t)target,
      .newfd_flags = fi.flags & O_CLOEXEC ? O_CLOEXEC : 0,
  };
  return ioctl(listener, SECCOMP_IOCTL_NOTIF_ADDFD, &a) == target ? 0 : -1;
}
