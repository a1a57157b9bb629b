/*
 * supervisor-open.c - the supervisor's handling of open, openat, openat2
 * and creat (docs/hardening.md, "Opening the process's memory").
 *
 * /proc/<pid>/mem ignores protection keys, and a path has endless
 * spellings (/proc/self/mem, /proc/thread-self/../mem, a symlink, a
 * directory descriptor...). So the supervisor does not judge the path: it
 * opens it itself, for the caller, and judges the object it got (procfs,
 * and a "mem" file of our process or of the supervisor), then hands that
 * very object to the caller (SECCOMP_IOCTL_NOTIF_ADDFD). Another thread
 * rewriting the path after the supervisor read it changes nothing: the
 * kernel never reads it again.
 *
 * Opening for the caller means resolving as the caller would: relative
 * paths from its working directory or directory descriptor
 * (/proc/<tid>/cwd, /proc/<tgid>/fd/<n>), absolute ones from its root,
 * "self" spellings of procfs (and /dev/fd, /dev/std*) as the caller's
 * pid, with the caller's umask and, where the supervisor runs as root, its
 * file-system ids and groups.
 */
#define _GNU_SOURCE
#include "syscalls.h"

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
#include <unistd.h>

#ifndef SECCOMP_ADDFD_FLAG_SEND
#define SECCOMP_ADDFD_FLAG_SEND (1UL << 1)
#endif

/* The caller's status line `name:`, as text (NULL if absent). */
static char *status_line(pid_t tid, const char *name, char *buf, size_t size) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/status", (int)tid);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  ssize_t n = fd < 0 ? -1 : read(fd, buf, size - 1);
  if (fd >= 0)
    close(fd);
  if (n <= 0)
    return NULL;
  buf[n] = 0;
  size_t l = strlen(name);
  for (char *s = buf; s; s = strchr(s, '\n') ? strchr(s, '\n') + 1 : NULL)
    if (!strncmp(s, name, l) && s[l] == ':') {
      char *e = strchr(s, '\n');
      if (e)
        *e = 0;
      return s + l + 1;
    }
  return NULL;
}

/* Where the supervisor runs as root, this thread takes the caller's
 * file-system ids and groups for the open (per thread: raw calls). */
static int take_credentials(pid_t tid) {
  if (geteuid() != 0)
    return 0; /* same ids as the program had at start-up; it cannot gain any */
  char buf[4096], *s;
  unsigned long u[4], g[4];
  if (!(s = status_line(tid, "Uid", buf, sizeof buf)) ||
      sscanf(s, "%lu %lu %lu %lu", &u[0], &u[1], &u[2], &u[3]) != 4)
    return -1;
  if (!(s = status_line(tid, "Gid", buf, sizeof buf)) ||
      sscanf(s, "%lu %lu %lu %lu", &g[0], &g[1], &g[2], &g[3]) != 4)
    return -1;
  gid_t groups[256];
  int ng = 0;
  if ((s = status_line(tid, "Groups", buf, sizeof buf)))
    for (char *e; ng < 256; s = e) {
      unsigned long x = strtoul(s, &e, 10);
      if (e == s)
        break;
      groups[ng++] = (gid_t)x;
    }
  if (syscall(SYS_setgroups, ng, groups))
    return -1;
  syscall(SYS_setfsgid, (gid_t)g[3]);
  syscall(SYS_setfsuid, (uid_t)u[3]);
  return (long)syscall(SYS_setfsuid, -1) == (long)u[3] ? 0 : -1;
}

/* The supervisor reads the caller's memory regardless of protection keys,
 * and what it does with a path (the file it creates, the error it returns)
 * tells the caller what the path said: reading a path that lies in a
 * compartment's memory (data, heap or stacks) would read that compartment
 * for whoever asks (found by runtime/attacks-spawn-actions.c). It cannot
 * tell whether the caller holds the compartment's rights, so it reads no
 * compartment memory and answers EFAULT, as the kernel would to a caller
 * without them. Compartment pages are whole pages. */
static int compartment_page(uintptr_t addr, int *which) {
  const char *what;
  *which = bh_compartment_of((const void *)(addr & ~(uintptr_t)4095), &what);
  return *which >= 0;
}

static void refuse_compartment_path(pid_t tid, uintptr_t addr, int c) {
  char line[512];
  int k = snprintf(line, sizeof line,
                   "bulkhead: refused: an open's path at 0x%lx (thread %d) is in compartment "
                   "'%s' memory; the supervisor reads paths only outside compartment memory, "
                   "so the open fails with EFAULT (docs/hardening.md)\n",
                   (unsigned long)addr, (int)tid, __start_bulkhead_domains[c].name);
  if (k > 0)
    bh_supervisor_say(tid, line, (size_t)k < sizeof line ? (size_t)k : sizeof line - 1);
}

/* Reads the NUL-terminated path at addr: 0, or an errno value. Only in our
 * process (ours) do addresses mean our layout. */
static int read_path(pid_t tid, int ours, uintptr_t addr, char *out, size_t size) {
  size_t got = 0;
  while (got < size) {
    size_t chunk = 4096 - ((addr + got) & 4095);
    if (chunk > size - got)
      chunk = size - got;
    int c;
    if (ours && compartment_page(addr + got, &c)) {
      refuse_compartment_path(tid, addr + got, c);
      return EFAULT;
    }
    if (bh_task_read(tid, addr + got, out + got, chunk))
      return errno == EPERM || errno == EACCES ? EPERM : EFAULT;
    char *z = memchr(out + got, 0, chunk);
    if (z)
      return 0;
    got += chunk;
  }
  return ENAMETOOLONG;
}

/* Lexical clean-up that never changes meaning ("//" and "/./"), then the
 * caller's own names for "self". */
static void rewrite(const char *in, char *out, size_t size, pid_t tgid, pid_t tid) {
  char clean[PATH_MAX];
  size_t k = 0;
  for (const char *s = in; *s && k + 1 < sizeof clean; s++) {
    if (*s == '/' && k && clean[k - 1] == '/')
      continue;
    if (*s == '.' && k && clean[k - 1] == '/' && s[1] == '/')
      continue;
    clean[k++] = *s;
  }
  clean[k] = 0;
  static const struct {
    const char *from, *to;
  } map[] = {{"/proc/self", "/proc/%d"},
             {"/proc/thread-self", "/proc/%d/task/%d"},
             {"/dev/fd", "/proc/%d/fd"},
             {"/dev/stdin", "/proc/%d/fd/0"},
             {"/dev/stdout", "/proc/%d/fd/1"},
             {"/dev/stderr", "/proc/%d/fd/2"}};
  for (unsigned i = 0; i < sizeof map / sizeof *map; i++) {
    size_t l = strlen(map[i].from);
    if (!strncmp(clean, map[i].from, l) && (clean[l] == '/' || !clean[l])) {
      char head[64];
      snprintf(head, sizeof head, map[i].to, (int)tgid, (int)tid);
      snprintf(out, size, "%s%s", head, clean + l);
      return;
    }
  }
  snprintf(out, size, "%s", clean);
}

/* Whether the open file is a procfs file the caller may not have: any
 * "mem" of our process or of the supervisor, or anything of the
 * supervisor's own (reached through a link that the rewrite above could
 * not follow for the caller). 0, or the reason. */
static int judge(int fd) {
  struct statfs fs;
  if (fstatfs(fd, &fs) || fs.f_type != PROC_SUPER_MAGIC)
    return 0;
  char link[64], path[PATH_MAX];
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  ssize_t n = readlink(link, path, sizeof path - 1);
  if (n <= 0)
    return BH_R_MEMFILE; /* unknown procfs object: refuse */
  path[n] = 0;
  const char *base = strrchr(path, '/');
  if (!strcmp(path, "/proc/kcore"))
    return BH_R_MEMFILE; /* all of memory, for root */
  int mem = base && !strcmp(base + 1, "mem");
  if (strncmp(path, "/proc/", 6))
    return mem ? BH_R_MEMFILE : 0;
  char *e;
  long pid = strtol(path + 6, &e, 10);
  if (e == path + 6 || (*e && *e != '/'))
    return 0; /* /proc/cpuinfo and the like */
  if (pid == getpid())
    return mem ? BH_R_MEMFILE : BH_R_SPELLING;
  if (!mem)
    return 0;
  pid_t tgid = bh_task_tgid((pid_t)pid);
  unsigned long id[BH_IDENT_FIELDS];
  if (tgid <= 0 || bh_task_ident(tgid, id))
    return BH_R_MEMFILE;
  int zero = 1;
  for (int i = 0; i < BH_IDENT_FIELDS; i++)
    zero &= id[i] == 0;
  return zero || !memcmp(id, bh_policy->ident, sizeof id) ? BH_R_MEMFILE : 0;
}

static int same_root(pid_t tid) {
  char path[64];
  struct stat a, b;
  snprintf(path, sizeof path, "/proc/%d/root", (int)tid);
  return !stat(path, &a) && !stat("/", &b) && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

void bh_supervise_open(int listener, const struct seccomp_notif *n, int unused) {
  (void)unused;
  pid_t tid = (pid_t)n->pid, tgid = bh_task_tgid(tid);
  long nr = n->data.nr;
  int dirfd = AT_FDCWD;
  uintptr_t at;
  struct open_how how = {0};
  if (nr == SYS_open || nr == SYS_creat) {
    at = n->data.args[0];
    how.flags = nr == SYS_creat ? O_CREAT | O_WRONLY | O_TRUNC : (unsigned)n->data.args[1];
    how.mode = nr == SYS_creat ? n->data.args[1] : n->data.args[2];
  } else {
    dirfd = (int)n->data.args[0];
    at = n->data.args[1];
    how.flags = (unsigned)n->data.args[2];
    how.mode = n->data.args[3];
  }
  char raw[PATH_MAX], path[PATH_MAX + 64];
  int ours = bh_supervisor_is_ours(tid);
  int err = tgid > 0 ? read_path(tid, ours, at, raw, sizeof raw) : ESRCH;
  if (!err && nr == SYS_openat2) {
    int c;
    if (n->data.args[3] < sizeof how)
      err = EINVAL;
    else if (ours && (compartment_page(n->data.args[2], &c) ||
                      compartment_page(n->data.args[2] + sizeof how - 1, &c)))
      err = EFAULT;
    else if (bh_task_read(tid, n->data.args[2], &how, sizeof how))
      err = EFAULT;
  }
  if (err == EPERM) {
    /* Its memory is closed to us: not our process (ours names the
     * supervisor its ptracer), and then by the same rule it cannot open
     * our memory either. */
    if (ours)
      bh_supervisor_deny(listener, n, 1, BH_R_UNREADABLE, NULL);
    else
      bh_notif_respond(listener, n->id, 0, 0, 1);
    return;
  }
  uint64_t id = n->id;
  if (ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &id))
    return; /* the caller is gone */
  if (err) {
    bh_notif_respond(listener, n->id, 0, err, 0);
    return;
  }
  rewrite(raw, path, sizeof path, tgid, tid);

  char dir[64];
  const char *rel = path;
  if (path[0] == '/') {
    snprintf(dir, sizeof dir, "/proc/%d/root", (int)tid);
    while (*rel == '/')
      rel++;
    if (!*rel)
      rel = ".";
    if (!same_root(tid))
      how.resolve |= RESOLVE_IN_ROOT; /* a chroot stays one */
  } else if (dirfd == AT_FDCWD) {
    snprintf(dir, sizeof dir, "/proc/%d/cwd", (int)tid);
  } else {
    snprintf(dir, sizeof dir, "/proc/%d/fd/%d", (int)tgid, dirfd);
  }
  int base = open(dir, O_PATH | O_CLOEXEC);
  if (base < 0) {
    bh_notif_respond(listener, n->id, 0, errno == ENOENT ? EBADF : errno, 0);
    return;
  }
  struct statfs bfs;
  struct stat bst;
  if (path[0] != '/' && !fstatfs(base, &bfs) && bfs.f_type == PROC_SUPER_MAGIC &&
      !fstat(base, &bst) && bst.st_ino == 1 /* procfs's root */) {
    /* "self" relative to /proc: the caller's, not the supervisor's */
    char abs[PATH_MAX + 8];
    snprintf(abs, sizeof abs, "/proc/%s", raw);
    rewrite(abs, path, sizeof path, tgid, tid);
    rel = path + 1;
    close(base);
    snprintf(dir, sizeof dir, "/proc/%d/root", (int)tid);
    if ((base = open(dir, O_PATH | O_CLOEXEC)) < 0) {
      bh_notif_respond(listener, n->id, 0, errno, 0);
      return;
    }
  }
  if (how.flags & (O_CREAT | __O_TMPFILE)) {
    char buf[4096], *s = status_line(tid, "Umask", buf, sizeof buf);
    how.mode &= ~(s ? strtoul(s, NULL, 8) : 022);
  }
  int cloexec = (how.flags & O_CLOEXEC) != 0;
  how.flags |= O_CLOEXEC;
  int fd = -1;
  if (take_credentials(tid))
    errno = EACCES;
  else if (nr == SYS_openat2)
    fd = (int)syscall(SYS_openat2, base, rel, &how, sizeof how);
  else if (how.resolve) { /* a chroot: openat2 is strict where open is not */
    how.flags &= O_ACCMODE | O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_APPEND | O_NONBLOCK |
                 O_DSYNC | O_SYNC | O_DIRECT | O_LARGEFILE | O_NOFOLLOW | O_NOATIME |
                 O_CLOEXEC | O_PATH | __O_TMPFILE | O_DIRECTORY | FASYNC;
    if (!(how.flags & (O_CREAT | __O_TMPFILE)))
      how.mode = 0;
    fd = (int)syscall(SYS_openat2, base, rel, &how, sizeof how);
  } else {
    fd = openat(base, rel, (int)how.flags, (mode_t)how.mode);
  }
  int open_err = errno;
  close(base);
  if (fd < 0) {
    bh_notif_respond(listener, n->id, 0, open_err, 0);
    return;
  }
  int reason = judge(fd);
  if (reason) {
    close(fd);
    bh_supervisor_deny(listener, n, ours, reason, raw);
    return;
  }
  struct seccomp_notif_addfd add = {.id = n->id, .flags = SECCOMP_ADDFD_FLAG_SEND,
                                    .srcfd = (uint32_t)fd, .newfd = 0,
                                    .newfd_flags = cloexec ? O_CLOEXEC : 0};
  ioctl(listener, SECCOMP_IOCTL_NOTIF_ADDFD, &add); /* fails only if it is gone */
  close(fd);
}
