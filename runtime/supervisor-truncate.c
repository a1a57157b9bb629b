/*
 * supervisor-truncate.c - truncations, judged and made by the supervisor
 * (docs/hardening.md, "Executable file mappings").
 *
 * The pages of executable file mappings of files the process cannot
 * change, of a registered object's read-only span, and of the start-up
 * objects whose files it could change are the process's own copies
 * (supervisor-own.c), so a later write to the file does not reach them.
 * A truncation does: the kernel unmaps every page past the new size from
 * every mapping of the file, copies too (truncate_pagecache:
 * unmap_mapping_range with even_cows), and the next access reads the
 * file again (attacks-truncate-spellings.c). So the filter sends ftruncate, truncate and
 * fallocate's collapse and insert here, and opens with O_TRUNC come
 * through supervisor-open.c, for every task under the filter; a
 * truncation is refused (the caller's process dies with one line) when
 * it would shorten a file that is mapped executable in our process or any
 * fork of it (every process under this supervisor that runs our code:
 * a fork child may truncate what its parent mapped), or that a living
 * process registered an object from. The supervisor judges and acts on
 * one object: its own copy of the caller's descriptor (pidfd_getfd; a
 * new open of its file where that reads another table than the caller's,
 * below), or
 * the file it opened for the caller; the call is then made here, on that
 * copy, never continued (a dup2 after the look would change the file).
 * Growing a file drops no copy (the kernel unmaps only past the new end)
 * and goes on.
 */
#define _GNU_SOURCE
#include "syscalls.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#ifndef FALLOC_FL_COLLAPSE_RANGE
#define FALLOC_FL_COLLAPSE_RANGE 0x08
#endif
#ifndef FALLOC_FL_INSERT_RANGE
#define FALLOC_FL_INSERT_RANGE 0x20
#endif

/* Whether a line of /proc/<pid>/maps (of process pid) is an executable
 * mapping of the file st. Same inode and device; a device that differs
 * (btrfs subvolumes, overlayfs show another one in maps than stat does)
 * counts unless the mapping's path, seen from pid's root, is another
 * file: the stricter answer. */
static int line_maps(const struct bh_map *m, pid_t pid, const struct stat *st) {
  if (m->perms[2] != 'x' || m->ino != (unsigned long long)st->st_ino || !m->ino)
    return 0;
  if (m->maj == major(st->st_dev) && m->min == minor(st->st_dev))
    return 1;
  char path[PATH_MAX + 64];
  struct stat other;
  if (m->path[0] != '/')
    return 1;
  snprintf(path, sizeof path, "/proc/%d/root%s", (int)pid, m->path);
  return stat(path, &other) ||
         (other.st_dev == st->st_dev && other.st_ino == st->st_ino);
}

struct task_walk {
  pid_t pid;
  const struct stat *st;
  int lines, hit;
};

static int task_line(const struct bh_map *m, void *ctx) {
  struct task_walk *w = ctx;
  w->lines++;
  return w->hit = line_maps(m, w->pid, w->st);
}

/* Whether process pid maps st executable: read through its threads' maps
 * (the leader's is empty once it ended with pthread_exit; they share
 * one). */
static int process_maps(pid_t pid, const struct stat *st) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
  DIR *d = opendir(path);
  if (!d)
    return bh_cannot_look(); /* else gone */
  struct task_walk w = {pid, st, 0, 0};
  for (struct dirent *e; !w.hit && !w.lines && (e = readdir(d));) {
    char *end;
    long t = strtol(e->d_name, &end, 10);
    if (*end || t <= 0)
      continue;
    snprintf(path, sizeof path, "/proc/%d/task/%ld/maps", (int)pid, t);
    /* Unknown counts as mapped: the stricter answer. A process of ours
     * that is not dumpable hides its maps (EACCES; review 33). */
    if (bh_each_map(path, task_line, &w) < 0 &&
        (bh_cannot_look() || errno == EACCES || errno == EPERM))
      w.hit = 1;
  }
  closedir(d);
  return w.hit;
}

/* A process whose code the supervisor vouches for (ours or a fork of it)
 * that maps the file st executable, or that registered an object from it;
 * 0 if none. A process whose identity reads as zeros (ended, or not ours
 * to read) is looked at too when its maps can be read. */
static pid_t mapped_by(const struct stat *st) {
  unsigned long long id[3] = {major(st->st_dev), minor(st->st_dev),
                              (unsigned long long)st->st_ino};
  pid_t who = (pid_t)bh_registered_file_live(id);
  DIR *d = who ? NULL : opendir("/proc");
  if (!who && !d)
    return -1; /* unknown counts as mapped: the stricter answer */
  for (struct dirent *e; d && !who && (e = readdir(d));) {
    char *end;
    long p = strtol(e->d_name, &end, 10);
    if (*end || p <= 0 || p == getpid())
      continue;
    int ours = bh_ident_is_ours((pid_t)p);
    if (ours < 0) {
      if (bh_cannot_look())
        who = -1; /* as above (review 27) */
      continue;
    }
    if (ours && process_maps((pid_t)p, st))
      who = (pid_t)p;
  }
  if (d)
    closedir(d);
  return who;
}

/* The path of our descriptor fd, for the refusal's line. */
static const char *name_of(int fd, char *buf, size_t size) {
  char link[64];
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  ssize_t k = readlink(link, buf, size - 1);
  buf[k > 0 ? k : 0] = 0;
  return k > 0 ? buf : NULL;
}

int bh_truncation_drops(int fd, const struct stat *st, long long len,
                        int moves) {
  /* A negative length is the kernel's EINVAL; a memfd sealed against
   * shrinking (and growing, for a move) the kernel's EPERM: its pages
   * cannot be dropped (the allocator copies', attacks-review3-copy-
   * truncate.c). */
  int seals = fcntl(fd, F_GET_SEALS);
  int sealed = seals >= 0 && seals & F_SEAL_SHRINK &&
               (!moves || seals & F_SEAL_GROW);
  return S_ISREG(st->st_mode) && !sealed &&
         (moves || (len >= 0 && len < (long long)st->st_size)) &&
         mapped_by(st) != 0;
}

/* Refuses n if bh_truncation_drops: 1 (answered), else 0. */
static int refused(int listener, const struct seccomp_notif *n, int fd,
                   const struct stat *st, long long len, int moves,
                   const char *path) {
  if (!bh_truncation_drops(fd, st, len, moves))
    return 0;
  char buf[PATH_MAX];
  bh_supervisor_deny(listener, n, 1, BH_R_TRUNCATE,
                     path ? path : name_of(fd, buf, sizeof buf));
  return 1;
}

/* The caller's descriptor number, as our own copy of its open file; -1
 * with errno. */
static int take_fd(pid_t tid, int number) {
  pid_t tgid = bh_task_tgid(tid);
  int pfd = tgid > 0 ? (int)syscall(SYS_pidfd_open, tgid, 0) : -1;
  int fd = pfd < 0 ? -1 : (int)syscall(SYS_pidfd_getfd, pfd, number, 0);
  int err = errno;
  if (pfd >= 0)
    close(pfd);
  errno = err;
  return fd;
}

/* truncate(path, len): opened for the caller (O_PATH: nothing waits, no
 * device opens), opened again for writing with the caller's ids (the
 * kernel's write-permission and ETXTBSY checks, whose errors come first),
 * judged, then truncated. */
static void truncate_path(int listener, const struct seccomp_notif *n) {
  struct open_how how = {.flags = O_PATH};
  char raw[PATH_MAX];
  int fd = bh_open_as_caller(listener, n, 0, AT_FDCWD, n->data.args[0], &how,
                             raw, NULL);
  if (fd < 0)
    return; /* answered */
  long long len = (long long)n->data.args[1];
  struct stat st;
  struct statfs fs;
  int err = 0;
  if (fstat(fd, &st) || fstatfs(fd, &fs))
    err = errno;
  else if (S_ISDIR(st.st_mode))
    err = EISDIR;
  else if (!S_ISREG(st.st_mode) || len < 0)
    err = EINVAL;
  else if (fs.f_type == PROC_SUPER_MAGIC)
    err = EPERM; /* not opened for writing here (a memory file) */
  else {
    /* The kernel's own refusals first (a running program: ETXTBSY) */
    int w = bh_reopen_as_caller(listener, n, fd, O_WRONLY | O_NONBLOCK);
    if (w < 0)
      err = -w;
    else if (refused(listener, n, fd, &st, len, 0, raw)) {
      close(w);
      close(fd);
      return;
    } else
      err = ftruncate(w, (off_t)len) ? errno : 0;
    if (w >= 0)
      close(w);
  }
  close(fd);
  bh_notif_respond(listener, n->id, 0, err, 0);
}

void bh_supervise_truncate(int listener, const struct seccomp_notif *n) {
  if (n->data.nr == SYS_truncate) {
    truncate_path(listener, n);
    return;
  }
  pid_t tid = (pid_t)n->pid;
  int own = bh_reads_own_table(bh_task_tgid(tid), tid);
  int fd = own ? take_fd(tid, (int)n->data.args[0]) : -1;
  uint64_t id = n->id;
  int moves = n->data.nr == SYS_fallocate;
  if (!own) {
    /* The caller's own thread's table, its file opened again for writing
     * (supervisor-open.c). A new open file description does for these
     * calls: truncate and fallocate act on the inode, not on the
     * position or the status flags (O_APPEND does not stop them; an
     * inode's append-only attribute stops the open for writing, with the
     * kernel's EPERM); write access is the caller's descriptor's own. */
    struct bh_fdinfo fi;
    fd = bh_take_caller_fd(listener, n, (int)n->data.args[0], O_WRONLY, &fi);
    if (fd == -ESRCH)
      return; /* the caller is gone */
    int acc = (int)(fi.flags & O_ACCMODE);
    if (fd < 0 && fi.known && !(fi.flags & O_PATH) &&
        ((acc != O_WRONLY && acc != O_RDWR) || (fi.mode && !S_ISREG(fi.mode))))
      /* As the kernel answers: ftruncate EINVAL for a descriptor not open
       * for writing or not of a regular file; fallocate EBADF for the
       * first, and for the second by the file's type. */
      fd = !moves                            ? -EINVAL
           : acc != O_WRONLY && acc != O_RDWR ? -EBADF
           : S_ISFIFO(fi.mode)                ? -ESPIPE
           : S_ISDIR(fi.mode)                 ? -EISDIR
           : S_ISBLK(fi.mode)                 ? -EOPNOTSUPP
                                              : -ENODEV;
    if (fd < 0) {
      bh_notif_respond(listener, n->id, 0, -fd, 0);
      return;
    }
  } else if (fd < 0) {
    bh_notif_respond(listener, n->id, 0, errno == EBADF ? EBADF : EPERM, 0);
    return;
  }
  if (ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &id)) {
    close(fd); /* the caller is gone */
    return;
  }
  struct stat st;
  int err = 0;
  long long len = (long long)n->data.args[1];
  if (fstat(fd, &st))
    err = errno;
  else if (refused(listener, n, fd, &st, len, moves, NULL)) {
    close(fd);
    return;
  } else if (moves)
    err = fallocate(fd, (int)n->data.args[1], (off_t)n->data.args[2],
                    (off_t)n->data.args[3])
              ? errno
              : 0;
  else
    err = ftruncate(fd, (off_t)len) ? errno : 0;
  close(fd);
  bh_notif_respond(listener, n->id, 0, err, 0);
}

int bh_supervise_truncate_open(int listener, const struct seccomp_notif *n,
                               int fd, int accmode, const char *path) {
  struct stat st;
  if (fstat(fd, &st) || !S_ISREG(st.st_mode))
    return 0; /* the kernel ignores O_TRUNC there */
  /* O_RDONLY | O_TRUNC truncates too, if the caller may write: an empty
   * file is left as it is (no write permission asked). */
  int writable = accmode == O_WRONLY || accmode == O_RDWR;
  if (!st.st_size && !writable)
    return 0;
  /* opened again first: the kernel's own refusals come before ours */
  int w = writable ? fd
                   : bh_reopen_as_caller(listener, n, fd,
                                         O_WRONLY | O_NONBLOCK);
  if (w >= 0 && refused(listener, n, fd, &st, 0, 0, path)) {
    if (w != fd)
      close(w);
    return 1;
  }
  int err = w < 0 ? -w : ftruncate(w, 0) ? errno : 0;
  if (w >= 0 && w != fd)
    close(w);
  if (err)
    bh_notif_respond(listener, n->id, 0, err, 0);
  return err != 0;
}
