/*
 * supervisor-own.c - pages of file mappings made the process's own, so
 * that what was looked at is what runs (docs/hardening.md, "Executable
 * file mappings"): a registered object's read-only pages before piece 6
 * compares them with its file (supervisor-code.c), and, at start-up, in
 * the process itself, the pages of the objects loaded before main whose
 * file it could change (bh_own_startup_pages). A private page the
 * process has not written shows every later write to its file, by anyone
 * who may write it (root: every file). Writing each page back with the
 * bytes it holds, through /proc/<pid>/mem (the kernel's forced write, as
 * a debugger's breakpoint, allowed on a private mapping that is not
 * writable), breaks copy-on-write: the page becomes an anonymous copy the
 * file no longer reaches. Such a copy costs a page of memory, not shared
 * with other processes. (Executable mappings made after start-up need no
 * copies: each is a sealed memfd, supervisor-exec.c.)
 * A truncation of the file still reaches a copy (the kernel unmaps copies
 * too, and the next access reads the file again): those made under the
 * filter are refused (supervisor-truncate.c); for others', the rule
 * against files the process could change stays (bh_file_changeable).
 */
#define _GNU_SOURCE
#include "syscalls.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* Copies page by page; 0, or -1 (a page that cannot be read or written:
 * past its file's end, unmapped, or a shared mapping). */
static int own_range(int mem, uintptr_t lo, uintptr_t hi) {
  static unsigned char page[BH_PAGE];
  for (uintptr_t a = lo; a < hi; a += BH_PAGE)
    if (pread(mem, page, BH_PAGE, (off_t)a) != BH_PAGE ||
        pwrite(mem, page, BH_PAGE, (off_t)a) != BH_PAGE)
      return -1;
  return 0;
}

/* Copies the pages of [lo, hi) that are not the process's own copies yet
 * (present and anonymous, by /proc/self/pagemap: bit 63 present, bit 61
 * file page; PAGEMAP < 0: all of them); how many, or -1 as own_range. */
static long own_uncopied(int mem, int pagemap, uintptr_t lo, uintptr_t hi) {
  long n = 0;
  for (uintptr_t a = lo; a < hi; a += BH_PAGE) {
    uint64_t e = 0;
    int copied = pagemap >= 0 &&
                 pread(pagemap, &e, 8, (off_t)(a / BH_PAGE * 8)) == 8 &&
                 (e >> 63 & 1) && !(e >> 61 & 1);
    if (copied)
      continue;
    if (own_range(mem, a, a + BH_PAGE))
      return -1;
    n++;
  }
  return n;
}

static int open_mem(pid_t tgid, pid_t tid) {
  /* The caller's memory file: the leader's is empty once it ended. */
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/task/%d/mem", (int)tgid, (int)tid);
  return open(path, O_RDWR | O_CLOEXEC);
}

struct object_walk {
  int mem;
  uintptr_t lo, hi;
};

static int own_object_line(const struct bh_map *m, void *ctx) {
  struct object_walk *w = ctx;
  if (m->hi <= w->lo || m->lo >= w->hi)
    return 0;
  /* Readable, not writable, private: the pages a file may change (a
   * writable page may be the program's, changing now). */
  if (m->perms[0] == 'r' && m->perms[1] == '-' && m->perms[3] == 'p')
    return own_range(w->mem, m->lo < w->lo ? w->lo : (uintptr_t)m->lo,
                     m->hi > w->hi ? w->hi : (uintptr_t)m->hi);
  return 0;
}

int bh_own_object_pages(pid_t tgid, pid_t tid, uintptr_t base) {
  uintptr_t lo, hi;
  const char *why;
  if (bh_object_file_span(tgid, base, &lo, &hi, &why))
    return -1;
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/task/%d/maps", (int)tgid, (int)tid);
  struct object_walk w = {open_mem(tgid, tid), lo, hi};
  int r = w.mem < 0 ? -1 : bh_each_map(path, own_object_line, &w);
  if (w.mem >= 0)
    close(w.mem);
  return r;
}

/* ------------------------------------------------ objects loaded at start */

/* Whether the process could come to change the file later, beyond
 * bh_file_changeable's look at its ids now: it may switch to its real or
 * saved ids (setresuid, setresgid) or raise a permitted capability
 * (capset: CAP_DAC_OVERRIDE, CAP_FOWNER, CAP_CHOWN, CAP_SETUID... any is
 * taken as all). NULL, or why. */
static const char *could_become(const struct stat *st, const char *status) {
  const char *cap = strstr(status, "\nCapPrm:");
  if (!cap || strtoull(cap + 8, NULL, 16))
    return "the process holds capabilities it may raise";
  const char *u = strstr(status, "\nUid:"), *g = strstr(status, "\nGid:");
  unsigned long id[4], gid[4];
  if (!u || !g ||
      sscanf(u + 5, "%lu %lu %lu %lu", &id[0], &id[1], &id[2], &id[3]) != 4 ||
      sscanf(g + 5, "%lu %lu %lu %lu", &gid[0], &gid[1], &gid[2], &gid[3]) != 4)
    return "its credentials cannot be read";
  for (int i = 0; i < 4; i++) {
    if (st->st_uid == id[i])
      return "the process owns it, or may become its owner";
    if (st->st_mode & S_IWGRP && st->st_gid == gid[i])
      return "its group, one the process may take, may write it";
  }
  return NULL;
}

/* The main program's file: the kernel refuses every write to it, and its
 * truncation, while it runs (ETXTBSY, root included; Linux took
 * MAP_DENYWRITE away from every other file). Asked, not assumed. */
static int program_protected(void) {
  int fd = open("/proc/self/exe", O_WRONLY | O_CLOEXEC);
  if (fd >= 0)
    close(fd);
  return fd < 0 && errno == ETXTBSY;
}

/* Whether the process holds a descriptor open for writing on st's file
 * (inherited from its parent, or kept by a start-up library): it writes
 * the file whatever its ids (review 29, attacks-rev29-inherited-fd.c). */
static int writes_through_descriptor(const struct stat *st) {
  DIR *d = opendir("/proc/self/fd");
  int found = 0;
  for (struct dirent *e; d && !found && (e = readdir(d));) {
    int fd = atoi(e->d_name), fl;
    struct stat o;
    found = e->d_name[0] != '.' && fd != dirfd(d) &&
            (fl = fcntl(fd, F_GETFL)) >= 0 && (fl & O_ACCMODE) != O_RDONLY &&
            !fstat(fd, &o) && o.st_dev == st->st_dev && o.st_ino == st->st_ino;
  }
  if (d)
    closedir(d);
  return found || !d;
}

/* Why the process could change the file mapped from [dev, ino] (the maps
 * line's) at path: NULL if it cannot. A file that cannot be opened, or is
 * no longer the one mapped (renamed, deleted), counts as changeable. */
/* Whether the process holds a Unix socket: a descriptor open for writing
 * on any file may wait in its queue (SCM_RIGHTS), unseen by the walk
 * above until received (review 30, attacks-rev30-queued-fd.c). */
static int holds_unix_socket(void) {
  DIR *d = opendir("/proc/self/fd");
  int found = 0;
  for (struct dirent *e; d && !found && (e = readdir(d));) {
    int fd = atoi(e->d_name), domain = 0;
    socklen_t len = sizeof domain;
    struct stat o;
    found = e->d_name[0] != '.' && fd != dirfd(d) && !fstat(fd, &o) &&
            S_ISSOCK(o.st_mode) &&
            (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) ||
             domain == AF_UNIX);
  }
  if (d)
    closedir(d);
  return found || !d;
}

static const char *startup_changeable(const char *path, unsigned dmaj,
                                      unsigned dmin, unsigned long long ino,
                                      const char *status, int unix_socket) {
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  struct stat st;
  const char *w = NULL;
  if (fd < 0 || fstat(fd, &st) || major(st.st_dev) != dmaj ||
      minor(st.st_dev) != dmin || st.st_ino != ino)
    w = "the file mapped cannot be opened again";
  else if (writes_through_descriptor(&st))
    w = "the process holds a descriptor open for writing on it";
  else if (unix_socket)
    w = "the process holds a Unix socket, on which a descriptor open for "
        "writing on it may wait";
  else if ((w = bh_file_changeable(fd, &st, getpid())) ||
           (w = could_become(&st, status))) {
    struct stat exe;
    if (!stat("/proc/self/exe", &exe) && exe.st_dev == st.st_dev &&
        exe.st_ino == st.st_ino && program_protected())
      w = NULL;
  }
  if (fd >= 0)
    close(fd);
  return w;
}

/* What bh_own_startup_pages carries from one maps line to the next: the
 * file the last lines named and what was decided for it (the lines of one
 * object follow each other). */
struct startup_walk {
  int mem, pagemap, verbose, unix_socket;
  const char *status;
  unsigned pmaj, pmin;
  unsigned long long pino;
  const char *why;
  long pages;
};

static int own_startup_line(const struct bh_map *m, void *ctx) {
  struct startup_walk *w = ctx;
  /* Only file mappings (a path): not the vDSO, not anonymous memory.
   * Readable and private: code and read-only data, where gadgets.c trusts
   * a gate's word, and writable data, which is the file's page until first
   * written: a compartment's too, keyed (attacks-rev16-file-data.test). */
  if (m->path[0] != '/' || m->perms[0] != 'r' || m->perms[3] != 'p')
    return 0;
  if (m->maj != w->pmaj || m->min != w->pmin || m->ino != w->pino) {
    w->pmaj = m->maj, w->pmin = m->min, w->pino = m->ino;
    w->why = startup_changeable(m->path, m->maj, m->min, m->ino, w->status,
                                w->unix_socket);
    if (w->why && w->verbose) {
      char say[4096 + 256];
      bh_format(say, sizeof say,
                "bulkhead: start-up object %s: %s; its pages "
                "become the process's own copies\n",
                m->path, w->why);
      bh_write(say);
    }
  }
  if (!w->why)
    return 0;
  long n = own_uncopied(w->mem, w->pagemap, (uintptr_t)m->lo, (uintptr_t)m->hi);
  if (n < 0)
    bh_fatal("cannot make the pages 0x%lx-0x%lx of %s the process's own "
             "copies (%s): the process could change that file (%s), and "
             "its code under the process",
             (unsigned long)m->lo, (unsigned long)m->hi, m->path, strerror(errno),
             w->why);
  w->pages += n;
  return 0;
}

long bh_own_startup_pages(int verbose) {
  char status[16384];
  if (bh_read_status(getpid(), status, sizeof status))
    bh_fatal("cannot read the process's credentials (/proc/self/status) to "
             "decide which start-up objects to copy");
  int mem = open("/proc/self/mem", O_RDWR | O_CLOEXEC);
  int pagemap = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
  struct startup_walk w = {mem,    pagemap, verbose, holds_unix_socket(),
                           status, ~0u,     ~0u,     0,
                           NULL,   0};
  if (mem < 0 || bh_each_map("/proc/self/maps", own_startup_line, &w) < 0)
    bh_fatal("cannot open /proc/self/maps and /proc/self/mem to make the "
             "pages of start-up objects the process's own: %s",
             strerror(errno));
  close(mem);
  if (pagemap >= 0)
    close(pagemap);
  if (verbose) {
    bh_write("bulkhead: start-up objects' pages made the process's own "
             "copies: ");
    bh_write_num((unsigned long)w.pages, 10);
    bh_write("\n");
  }
  return w.pages;
}
