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
 * pid, with the caller's umask, file-system ids, groups and effective
 * capabilities (or not at all, where they cannot be taken). A path in compartment memory is read only
 * for a caller whose PKRU may read it (compartment_page below).
 */
#define _GNU_SOURCE
#include "syscalls.h"

#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef STATX_MNT_ID
#define STATX_MNT_ID 0x1000U
#endif

#ifndef SECCOMP_ADDFD_FLAG_SEND
#define SECCOMP_ADDFD_FLAG_SEND (1UL << 1)
#endif

/* What the supervisor needs of the caller's /proc/<tid>/status, read once
 * per open, and that directory itself: what else is read of the caller
 * (its user namespace, root, working directory, descriptors) is read
 * through it or its process's, so from the very task whose status was
 * read. By number, a caller that died and a task that got its number
 * since lent that task's namespace to the caller's capabilities (review
 * 39, attacks-rev39-userns-tid-reuse.c). The caller is known to be that
 * task once its call is seen still valid after the directories' opens.
 * Closed by caller_done. */
struct caller {
  int dir, pdir; /* /proc/<tid>, /proc/<tgid> */
  pid_t tgid;
  unsigned long uid[4], gid[4], umask;
  unsigned long long cap_eff;
  gid_t groups[256];
  int ngroups;
};

static int proc_dir(pid_t pid);
static int line_terminal(const struct statx *sx);

static void caller_done(struct caller *c) {
  if (c->dir >= 0)
    close(c->dir);
  if (c->pdir >= 0)
    close(c->pdir);
  c->dir = c->pdir = -1;
}

static int read_caller(pid_t tid, struct caller *c) {
  char buf[16384];
  memset(c, 0, sizeof *c);
  c->pdir = -1;
  c->dir = proc_dir(tid);
  if (bh_read_status_at(c->dir, 0, buf, sizeof buf)) {
    caller_done(c);
    return -1;
  }
  c->umask = 022;
  int found = 0;
  for (char *s = buf; s && *s;
       s = strchr(s, '\n') ? strchr(s, '\n') + 1 : NULL) {
    if (!strncmp(s, "Tgid:", 5))
      c->tgid = (pid_t)strtol(s + 5, NULL, 10), found |= 1;
    else if (!strncmp(s, "Umask:", 6))
      c->umask = strtoul(s + 6, NULL, 8);
    else if (!strncmp(s, "CapEff:", 7))
      c->cap_eff = strtoull(s + 7, NULL, 16), found |= 8;
    else if (!strncmp(s, "Uid:", 4) &&
             sscanf(s + 4, "%lu %lu %lu %lu", &c->uid[0], &c->uid[1],
                    &c->uid[2], &c->uid[3]) == 4)
      found |= 2;
    else if (!strncmp(s, "Gid:", 4) &&
             sscanf(s + 4, "%lu %lu %lu %lu", &c->gid[0], &c->gid[1],
                    &c->gid[2], &c->gid[3]) == 4)
      found |= 4;
    else if (!strncmp(s, "Groups:", 7)) {
      char *g = s + 7, *e;
      while (c->ngroups < 256) {
        unsigned long x = strtoul(g, &e, 10);
        if (e == g || (*e != ' ' && *e != '\n'))
          break;
        c->groups[c->ngroups++] = (gid_t)x;
        g = e;
      }
      /* More than fit, or a line the buffer cut: not known, and the
       * caller's credentials cannot be taken (review 49: the groups past
       * the 256th were dropped, which gave a member of a group its file
       * that the group may not write). */
      g += strspn(g, " \t");
      if (*g != '\n')
        c->ngroups = -1;
    }
  }
  if (found == 15 && (c->pdir = proc_dir(c->tgid)) >= 0)
    return 0;
  caller_done(c);
  return -1;
}

/* For the open, the thread takes the caller's effective capabilities (as
 * far as its own go) and, where they differ from its own, the caller's
 * file-system ids and groups (raw calls: this thread only); it gives them
 * back afterwards. Without the capabilities, a root caller that dropped
 * CAP_DAC_OVERRIDE (or CAP_SYS_ADMIN: pagemap's frame numbers) got them
 * back through the supervisor (review 36). Ids and groups are taken by a
 * supervisor that is not root too: a program may give up a group (with
 * CAP_SETGID) or switch to its real ids (a set-id program) after start-up,
 * and the supervisor kept the start-up ones (review 49). Where they cannot
 * be taken, the open fails. */
static gid_t own_groups[256];
static int own_ngroups = -2;
static unsigned long long own_caps;

static int set_effective(unsigned long long eff) {
  struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
  struct __user_cap_data_struct d[2];
  if (syscall(SYS_capget, &h, d))
    return -1;
  d[0].effective = (uint32_t)eff, d[1].effective = (uint32_t)(eff >> 32);
  return (int)syscall(SYS_capset, &h, d);
}

static unsigned long long effective(void) {
  struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
  struct __user_cap_data_struct d[2] = {{0}};
  syscall(SYS_capget, &h, d);
  return d[0].effective | (unsigned long long)d[1].effective << 32;
}

static int same_groups(const struct caller *c) {
  return c->ngroups == own_ngroups &&
         !memcmp(c->groups, own_groups, (size_t)own_ngroups * sizeof *own_groups);
}

static void give_back_credentials(void) {
  set_effective(own_caps); /* first: setgroups needs CAP_SETGID */
  syscall(SYS_setfsuid, geteuid());
  syscall(SYS_setfsgid, getegid());
  if (own_ngroups >= 0)
    syscall(SYS_setgroups, own_ngroups, own_groups);
  set_effective(own_caps); /* as they were before the fsuid's change */
}

/* Whether the caller is in the supervisor's own user namespace: its
 * capabilities count only there (a namespace of its own gives it all of
 * them, over nothing of ours: review 38, attacks-rev38-userns-caps.c). */
static int own_user_namespace(const struct caller *c) {
  struct stat mine, theirs;
  return !stat("/proc/self/ns/user", &mine) &&
         !fstatat(c->dir, "ns/user", &theirs, 0) &&
         mine.st_dev == theirs.st_dev && mine.st_ino == theirs.st_ino;
}

/* 1 if the thread took the caller's credentials (and of the supervisor's
 * own capabilities, extra), 0 if it did not need to, -1 on failure. */
static int take_credentials(const struct caller *c,
                            unsigned long long extra) {
  if (own_ngroups == -2) {
    own_caps = effective(); /* the same in every thread of the supervisor */
    own_ngroups = (int)syscall(SYS_getgroups, 256, own_groups);
  }
  int ids = c->uid[3] != geteuid() || c->gid[3] != getegid() ||
            !same_groups(c);
  unsigned long long theirs = own_user_namespace(c) ? c->cap_eff : 0;
  unsigned long long caps = own_caps & (theirs | extra);
  if (!ids && caps == own_caps)
    return 0; /* the supervisor's own */
  if (ids && (c->ngroups < 0 || own_ngroups < 0))
    return -1; /* groups not known, or not to be given back */
  if (ids) {
    if (!same_groups(c) && syscall(SYS_setgroups, c->ngroups, c->groups))
      return -1;
    syscall(SYS_setfsgid, (gid_t)c->gid[3]);
    syscall(SYS_setfsuid, (uid_t)c->uid[3]);
  }
  /* After the ids: a change of fsuid from 0 raises or drops capabilities
   * of its own. setfs*id answers the id before, so a call with an invalid
   * id (-1) reads what took. */
  if ((ids && ((long)syscall(SYS_setfsuid, -1) != (long)c->uid[3] ||
               (long)syscall(SYS_setfsgid, -1) != (long)c->gid[3])) ||
      set_effective(caps)) {
    give_back_credentials();
    return -1;
  }
  return 1;
}

int bh_reopen_as_caller(int listener, const struct seccomp_notif *n, int fd,
                        int flags) {
  struct caller who;
  uint64_t id = n->id;
  if (read_caller((pid_t)n->pid, &who))
    return -ESRCH;
  if (ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &id)) {
    caller_done(&who);
    return -ESRCH; /* gone: its number may be another task's */
  }
  char self[64];
  snprintf(self, sizeof self, "/proc/self/fd/%d", fd);
  int took = take_credentials(&who, 0), w = -1;
  if (took >= 0)
    w = open(self, flags | O_CLOEXEC);
  int err = took < 0 ? EACCES : errno;
  if (took > 0)
    give_back_credentials();
  caller_done(&who);
  return w >= 0 ? w : -err;
}

static int fdinfo_at(int dir, int number, struct bh_fdinfo *fi) {
  char name[32], buf[512];
  snprintf(name, sizeof name, "fdinfo/%d", number);
  if (bh_read_small(dir, name, buf, sizeof buf) < 0)
    return -1;
  int found = 0;
  for (char *s = buf; s && *s;
       s = strchr(s, '\n') ? strchr(s, '\n') + 1 : NULL) {
    if (!strncmp(s, "pos:", 4))
      fi->pos = strtoll(s + 4, NULL, 10), found |= 1;
    else if (!strncmp(s, "flags:", 6))
      fi->flags = strtoul(s + 6, NULL, 8), found |= 2;
    else if (!strncmp(s, "mnt_id:", 7))
      fi->mnt_id = strtoull(s + 7, NULL, 10), found |= 4;
    else if (!strncmp(s, "ino:", 4))
      fi->ino = strtoull(s + 4, NULL, 10), found |= 8;
  }
  return found == 15 ? 0 : -1;
}

int bh_read_fdinfo(pid_t tid, int number, struct bh_fdinfo *fi) {
  int dir = proc_dir(tid);
  int r = dir < 0 ? -1 : fdinfo_at(dir, number, fi);
  if (dir >= 0)
    close(dir);
  return r;
}

/* pidfd_getfd of a process reads its leader's descriptor table: gone where
 * the leader has ended (pthread_exit), another where the caller was made
 * without CLONE_FILES (bh_reads_own_table); a thread's pidfd needs Linux
 * 6.9. So the caller's file is opened again
 * through its own thread's table (/proc/<tid>/fd/<n>, under the caller's
 * directory read before the check that the call is still there), with
 * the caller's credentials (the supervisor's, root's, opened whatever the
 * caller holds: review 42), never with more access than the caller's
 * descriptor has (its fdinfo's flags), only a regular file (looked at
 * through an O_PATH descriptor first: no device or FIFO is opened), and
 * only the very file the fdinfo named (inode and mount), so a dup2
 * between the look and the open gets EBADF. A new open file description:
 * what it shares with the caller's is the inode (its data, seals,
 * append-only attribute), not the position, the status flags or
 * O_APPEND; the callers use it only for what is the inode's.
 *
 * look_caller_fd makes every check but the open, and gives the O_PATH
 * descriptor (who open), or -errno; line: a denial's line, for which a
 * FIFO or pipe and a plain terminal (line_terminal) do too. */
static int look_caller_fd(int listener, const struct seccomp_notif *n,
                          int number, int acc, int line,
                          struct bh_fdinfo *fi, struct caller *who) {
  uint64_t id = n->id;
  memset(fi, 0, sizeof *fi);
  if (read_caller((pid_t)n->pid, who))
    return -ESRCH;
  if (listener >= 0 && ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &id)) {
    caller_done(who);
    return -ESRCH; /* gone: its number may be another task's */
  }
  int err = EBADF, p = -1;
  if (number < 0 || fdinfo_at(who->dir, number, fi))
    goto out;
  fi->known = 1;
  int theirs = (int)(fi->flags & O_ACCMODE);
  int may = acc == O_WRONLY ? theirs == O_WRONLY || theirs == O_RDWR
                            : theirs == O_RDONLY || theirs == O_RDWR;
  if (fi->flags & O_PATH || !may)
    goto out; /* EBADF: the caller's descriptor cannot do it */
  char name[32];
  snprintf(name, sizeof name, "fd/%d", number);
  struct statx sx;
  /* AT_STATX_DONT_SYNC: type, inode and mount are the cached inode's; no
   * network or FUSE round trip. */
  if ((p = openat(who->dir, name, O_PATH | O_CLOEXEC)) < 0 ||
      statx(p, "", AT_EMPTY_PATH | AT_STATX_DONT_SYNC,
            STATX_TYPE | STATX_INO | STATX_MNT_ID, &sx) ||
      !(sx.stx_mask & STATX_MNT_ID) || sx.stx_ino != fi->ino ||
      sx.stx_mnt_id != fi->mnt_id)
    goto out; /* not the file the fdinfo named: swapped meanwhile */
  fi->mode = sx.stx_mode;
  if (!S_ISREG(sx.stx_mode) &&
      !(line && (S_ISFIFO(sx.stx_mode) || line_terminal(&sx)))) {
    err = EINVAL;
    goto out;
  }
  return p;
out:
  if (p >= 0)
    close(p);
  caller_done(who);
  return -err;
}

/* Opens what look_caller_fd looked at (p) with flags, with the caller's
 * credentials: the descriptor, or -errno. */
static int open_looked(const struct caller *who, int p, int flags) {
  char self[64];
  snprintf(self, sizeof self, "/proc/self/fd/%d", p);
  int took = take_credentials(who, 0), fd = -1;
  if (took >= 0)
    fd = open(self, flags | O_CLOEXEC);
  int err = took < 0 ? EACCES : errno;
  if (took > 0)
    give_back_credentials();
  struct stat a, b;
  if (fd >= 0 && (fstat(fd, &a) || fstat(p, &b) || a.st_dev != b.st_dev ||
                  a.st_ino != b.st_ino)) {
    close(fd);
    fd = -1, err = EBADF;
  }
  return fd >= 0 ? fd : -err;
}

int bh_take_caller_fd(int listener, const struct seccomp_notif *n, int number,
                      int acc, struct bh_fdinfo *fi) {
  struct caller who;
  int p = look_caller_fd(listener, n, number, acc, 0, fi, &who);
  if (p < 0)
    return p;
  int fd = open_looked(&who, p, acc | O_NONBLOCK | O_NOCTTY);
  close(p);
  caller_done(&who);
  return fd;
}

/* A terminal a denial's line may open: a Unix 98 pseudo-terminal's slave
 * (majors 136-143) or a virtual console (major 4, minors 1-63), whose
 * open (O_NOCTTY) changes nothing but counts. Not major 5 (/dev/tty is
 * the opener's terminal, not the caller's; /dev/console; /dev/ptmx makes
 * a new pseudo-terminal, and a master's descriptor names it), nor a
 * serial line (major 4 from minor 64, USB and others: an open raises the
 * modem's control lines), nor any other character device: an open of a
 * device can act. */
static int line_terminal(const struct statx *sx) {
  unsigned maj = sx->stx_rdev_major, min = sx->stx_rdev_minor;
  return S_ISCHR(sx->stx_mode) &&
         ((maj >= 136 && maj <= 143) || (maj == 4 && min >= 1 && min <= 63));
}

/* Closes every descriptor but a and b. */
static void keep_only(int a, int b) {
  int lo = a < b ? a : b, hi = a < b ? b : a;
  if (lo > 0)
    syscall(SYS_close_range, 0, lo - 1, 0);
  if (hi > lo + 1)
    syscall(SYS_close_range, lo + 1, hi - 1, 0);
  syscall(SYS_close_range, hi + 1, ~0u, 0);
}

/* A denial's line for a process whose leader has ended (review 41), in
 * bh_supervisor_say's child: the caller thread's own descriptor 2 opened
 * again. It must write nowhere that descriptor could not, whatever the
 * program (attacker B, root too) does to its descriptors meanwhile, and
 * never wait (docs/hardening.md, "The line of a process whose main
 * thread has ended"):
 *  - the caller's descriptor open for writing (fdinfo), else no line: a
 *    read-only /etc/passwd or kernel setting (review 42);
 *  - the caller's credentials: an open the caller could make itself;
 *  - only the inode and mount the fdinfo named, and the open is of the
 *    O_PATH descriptor looked at: a dup2 after the look gets a file the
 *    caller held writable then, or nothing;
 *  - only a regular file (O_APPEND: our open file description has an
 *    offset of its own, and the end is where the caller's could write
 *    too), a FIFO or pipe (O_NONBLOCK: no reader of a FIFO, ENXIO) or a
 *    plain terminal (line_terminal, O_NOCTTY); no other device;
 *  - no kernel setting, which the caller could not open for writing
 *    (one can reach it queued on a socket: review 31);
 *  - n still pending once the caller's directory is open (listener >= 0),
 *    so the directory is the caller's; without (the supervisor stopped
 *    the caller since, which ends n's wait), a number reused meanwhile
 *    gives that task's own writable descriptor 2 and credentials, as
 *    pidfd_getfd of its process would;
 *  - the listener closed before the open, which may wait as a write does
 *    (a FIFO's takes the pipe's lock: review 45): the child is given a
 *    second and left. */
int bh_caller_line_fd(int listener, pid_t tid, uint64_t id) {
  struct seccomp_notif n;
  struct bh_fdinfo fi;
  struct caller who;
  memset(&n, 0, sizeof n);
  n.id = id, n.pid = (__u32)tid;
  int p = look_caller_fd(listener, &n, 2, O_WRONLY, 1, &fi, &who);
  if (p < 0)
    return -1;
  if (bh_kernel_setting(p, O_WRONLY, tid, who.tgid))
    return -1; /* what the caller may not open for writing either */
  keep_only(who.dir, p); /* the listener too: an open may wait */
  who.pdir = -1;
  return open_looked(&who, p, O_WRONLY | O_APPEND | O_NONBLOCK | O_NOCTTY);
}

/* The supervisor reads the caller's memory regardless of protection keys,
 * and what it does with a path (the file it creates, the error it returns)
 * tells the caller what the path said: reading a path that lies in a
 * compartment's memory (data, heap or stacks) would read that compartment
 * for whoever asks (found by runtime/attacks-spawn-actions.c). So such a
 * path is read only for a caller whose PKRU may read it (learnt below),
 * and otherwise the open fails with EFAULT, as the kernel would answer
 * that caller. Compartment pages are whole pages: the start-up
 * compartments' (the supervisor's copy of the table), those registered
 * since (its own records, supervisor-keys.c: the process's table is not
 * the supervisor's), and each compartment allocator's keyed data (review
 * 15: its heap pointers and keys). */
struct owner {
  const char *name; /* NULL: registered after start-up */
  int key;
};
static int compartment_page(pid_t tgid, uintptr_t addr, struct owner *o) {
  uintptr_t page = addr & ~(uintptr_t)4095;
  int c = bh_compartment_of((const void *)page, NULL);
  o->name = c >= 0 ? bh_domain_at((size_t)c)->name : NULL;
  o->key = c >= 0 ? bh_domain_at((size_t)c)->pkey : bh_keys_key_at(tgid, page);
  if (c < 0 && o->key <= 0)
    o->key = bh_heap_copy_key(page); /* a compartment allocator's own data */
  return c >= 0 || o->key > 0;
}

/* Whether the caller is our process, asked only when it matters (a path
 * in what would be compartment memory, a refusal): -1 until known. */
static int ours_of(int *ours, pid_t tgid) {
  if (*ours < 0)
    *ours = bh_supervisor_tgid_is_ours(tgid);
  return *ours;
}

int bh_supervisor_in_compartments(pid_t tgid, uintptr_t a, size_t len) {
  struct owner o;
  int ours = -1;
  uintptr_t last = a + len - 1;
  if (!len || last < a)
    return 0; /* the kernel's read fails alike */
  for (uintptr_t p = a & ~(uintptr_t)4095;; p += 4096) {
    if (compartment_page(tgid, p, &o) && ours_of(&ours, tgid))
      return 1;
    if (p >= (last & ~(uintptr_t)4095))
      return 0;
  }
}

static void refuse_compartment_path(int listener,
                                    const struct seccomp_notif *n,
                                    uintptr_t addr, const struct owner *o) {
  pid_t tid = (pid_t)n->pid;
  char line[512], who[96];
  if (o->name)
    snprintf(who, sizeof who, "compartment '%s'", o->name);
  else
    snprintf(who, sizeof who, "a compartment registered later (key %d)",
             o->key);
  int k = snprintf(
      line, sizeof line,
      "bulkhead: refused: an open's path at 0x%lx (thread %d) is in %s "
      "memory, and the supervisor cannot learn whether the caller may read "
      "it (its PKRU); the open fails with EFAULT (docs/hardening.md)\n",
      (unsigned long)addr, (int)tid, who);
  if (k > 0)
    bh_supervisor_say(tid, listener, n->id, line,
                      (size_t)k < sizeof line ? (size_t)k : sizeof line - 1);
}

/* The PKRU a caller runs with, for a path in compartment memory: the
 * supervisor stops the thread (PTRACE_SEIZE, PTRACE_INTERRUPT; our
 * process names the supervisor its ptracer) and reads its XSAVE state.
 * The stop interrupts the call, which the kernel makes again, unchanged,
 * when the thread goes on (-ERESTARTSYS). Review 17: a signal can run a
 * handler, of another domain, before that restart or before the stop, so
 * the PKRU is learnt only from a stop inside this very call (its
 * registers), kept only while the thread is inside the restart (review
 * 20), and used only by a call of that thread with the same number,
 * arguments, instruction pointer and stack pointer: the restart. */
#define LEARNT 16
struct call {
  pid_t tid;
  long nr;
  uint64_t args[6], pc, sp;
};
static struct {
  struct call c;
  uint32_t pkru;
} learnt[LEARNT];
static pthread_mutex_t learnt_lock = PTHREAD_MUTEX_INITIALIZER;
/* The threads learners hold, so that a scan that must stop every thread
 * of the process (supervisor-exec.c freeze) can ask for one. */
static struct {
  pid_t tid;
  volatile int let_go;
  int in_restart; /* the PKRU learnt is kept: a give-back may come */
} held[LEARNT];

static int same_call(const struct call *a, const struct call *b) {
  return a->tid == b->tid && a->nr == b->nr && a->pc == b->pc &&
         a->sp == b->sp && !memcmp(a->args, b->args, sizeof a->args);
}

/* The call n's thread waits in, stack pointer included (/proc/<tid>/syscall,
 * read while n is pending, so it is n's): 0, or -1. The listener is woken
 * before the thread sleeps, and until it does the file says "running":
 * read again for a moment (n pending, the thread runs no code of its own). */
static int waiting_call(int listener, const struct seccomp_notif *n,
                        struct call *c) {
  struct bh_syscall now;
  uint64_t id = n->id;
  int r;
  for (int i = 0; (r = bh_read_syscall((pid_t)n->pid, &now)) &&
                  errno == EAGAIN && i < 200 &&
                  !ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &id);
       i++)
    usleep(50);
  if (r || now.nr != n->data.nr ||
      now.pc != n->data.instruction_pointer ||
      memcmp(now.args, n->data.args, sizeof now.args) ||
      ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &id))
    return -1;
  *c = (struct call){(pid_t)n->pid, now.nr, {0}, now.pc, now.sp};
  memcpy(c->args, now.args, sizeof c->args);
  return 0;
}

/* Takes the PKRU learnt for call n: 1, or 0 if there is none. */
static int learnt_pkru(int listener, const struct seccomp_notif *n,
                       uint32_t *pkru) {
  struct call c;
  int found = 0;
  if (waiting_call(listener, n, &c))
    return 0;
  pthread_mutex_lock(&learnt_lock);
  for (int k = 0; k < LEARNT && !found; k++)
    if (learnt[k].c.tid && same_call(&learnt[k].c, &c)) {
      *pkru = learnt[k].pkru;
      learnt[k].c.tid = 0;
      found = 1;
    }
  pthread_mutex_unlock(&learnt_lock);
  return found;
}

/* With learnt_lock held. */
static void remember(const struct call *c, uint32_t pkru) {
  static int next;
  int k = next++ % LEARNT;
  for (int j = 0; j < LEARNT; j++)
    if (!learnt[j].c.tid || same_call(&learnt[j].c, c)) {
      k = j;
      break;
    }
  learnt[k].c = *c;
  learnt[k].pkru = pkru;
}

/* Puts back the PKRU learnt_pkru took for call n, for the thread that
 * takes n over (a FIFO's open): still n's restart, which the learner
 * holds until it ends and then forgets it. */
static void give_back_pkru(int listener, const struct seccomp_notif *n,
                           uint32_t pkru) {
  struct call c;
  if (waiting_call(listener, n, &c))
    return;
  pthread_mutex_lock(&learnt_lock);
  for (int k = 0; k < LEARNT; k++)
    if (held[k].tid == c.tid && held[k].in_restart)
      remember(&c, pkru);
  pthread_mutex_unlock(&learnt_lock);
}

/* The PKRU of thread tid, which the supervisor has stopped under ptrace:
 * 0, or -1. */
int bh_stopped_pkru(pid_t tid, uint32_t *pkru) {
  static unsigned char xsave[16384] __attribute__((aligned(64)));
  static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
  int ok = 0;
  pthread_mutex_lock(&lock);
  struct iovec io = {xsave, sizeof xsave};
  if (!ptrace(PTRACE_GETREGSET, tid, (void *)NT_X86_XSTATE, &io) &&
      io.iov_len > 576) {
    unsigned eax, ebx, ecx, edx;
    uint64_t bv;
    __asm__("cpuid" : "=a"(eax), "=b"(ebx), "=c"(ecx), "=d"(edx) : "a"(0xd), "c"(9));
    memcpy(&bv, xsave + 512, 8);
    *pkru = 0; /* PKRU in its init state */
    if (bv & (1u << 9) && ebx && ebx + 4 <= io.iov_len)
      memcpy(pkru, xsave + ebx, 4);
    ok = !(bv & (1u << 9)) || (ebx && ebx + 4 <= io.iov_len);
  }
  pthread_mutex_unlock(&lock);
  return ok ? 0 : -1;
}

/* Stops thread tid under ptrace: 0, with *sig the signal whose delivery
 * stop it was (0: ours), or -1. Either way PTRACE_DETACH follows. */
static int stop_thread(pid_t tid, int *sig) {
  int st = 0;
  *sig = 0;
  if (ptrace(PTRACE_INTERRUPT, tid, 0, 0) ||
      waitpid(tid, &st, __WALL) != tid || !WIFSTOPPED(st))
    return -1;
  /* A signal-delivery stop instead of ours: the signal goes back in. */
  if (!(WSTOPSIG(st) == SIGTRAP && (st >> 16) == PTRACE_EVENT_STOP))
    *sig = WSTOPSIG(st);
  return 0;
}

int bh_task_pkru(pid_t tid, uint32_t *pkru) {
  if (ptrace(PTRACE_SEIZE, tid, 0, 0))
    return -1;
  int sig, ok = !stop_thread(tid, &sig) && !bh_stopped_pkru(tid, pkru);
  ptrace(PTRACE_DETACH, tid, 0, (void *)(long)sig);
  return ok ? 0 : -1;
}

/* Whether stopped thread tid sits in call n, on its way back to be made
 * again; *c gets the call with its stack pointer. */
static int stopped_in(pid_t tid, const struct seccomp_notif *n,
                      struct call *c) {
  struct user_regs_struct r;
  if (ptrace(PTRACE_GETREGS, tid, 0, &r))
    return 0;
  long rax = (long)r.rax;
  *c = (struct call){tid, (long)r.orig_rax, {r.rdi, r.rsi, r.rdx, r.r10,
                                             r.r8, r.r9}, r.rip, r.rsp};
  /* -ERESTARTSYS, -ERESTARTNOINTR, -ERESTARTNOHAND, -ERESTART_RESTARTBLOCK:
   * the kernel's restart codes, not yet turned into the restart */
  return c->nr == n->data.nr && c->pc == n->data.instruction_pointer &&
         !memcmp(c->args, n->data.args, sizeof c->args) &&
         (rax == -512 || rax == -513 || rax == -514 || rax == -516);
}

/* A slot of held for a learner's thread tid: its index, or -1 if every
 * slot is taken. */
static int hold(pid_t tid) {
  int k = -1;
  pthread_mutex_lock(&learnt_lock);
  for (int j = 0; j < LEARNT && k < 0; j++)
    if (!held[j].tid)
      k = j;
  if (k >= 0)
    held[k].tid = tid, held[k].let_go = 0, held[k].in_restart = 0;
  pthread_mutex_unlock(&learnt_lock);
  return k;
}

static void unhold(int k) {
  pthread_mutex_lock(&learnt_lock);
  held[k].tid = 0;
  pthread_mutex_unlock(&learnt_lock);
}

int bh_learner_let_go(pid_t tid) {
  int asked = 0;
  pthread_mutex_lock(&learnt_lock);
  for (int k = 0; k < LEARNT; k++)
    if (held[k].tid == tid)
      held[k].let_go = asked = 1;
  pthread_mutex_unlock(&learnt_lock);
  for (int i = 0; asked && i < 20000; i++) { /* 2 s */
    int still = 0;
    pthread_mutex_lock(&learnt_lock);
    for (int k = 0; k < LEARNT; k++)
      still |= held[k].tid == tid;
    pthread_mutex_unlock(&learnt_lock);
    if (!still)
      return 0;
    usleep(100);
  }
  return -1;
}

/* Waits for held thread tid's next stop (slot k): 0 and its status, or -1
 * with the thread stopped and *st its stop's status if a scan asked for
 * the thread meanwhile (it is interrupted: out of a restart that the
 * loop, busy with the scan, cannot answer). */
static int wait_held(pid_t tid, int k, int *st) {
  for (;;) {
    pid_t r = waitpid(tid, st, __WALL | WNOHANG);
    if (r)
      return r == tid ? 0 : -1;
    if (held[k].let_go) {
      ptrace(PTRACE_INTERRUPT, tid, 0, 0);
      waitpid(tid, st, __WALL);
      return -1;
    }
    usleep(50);
  }
}

/* Lets stopped thread tid (held in slot k) run to its next system-call
 * stop (PTRACE_SYSCALL, entry or exit): 0 and the stop's registers, or -1
 * if another stop came first; a signal whose delivery stop that was is
 * left in *sig, to go back in. */
static int next_syscall_stop(pid_t tid, int k, struct user_regs_struct *r,
                             int *sig) {
  int st = 0;
  if (ptrace(PTRACE_SYSCALL, tid, 0, 0))
    return -1;
  int let_go = wait_held(tid, k, &st);
  if (!WIFSTOPPED(st))
    return -1;
  int syscall_stop = WSTOPSIG(st) == (SIGTRAP | 0x80);
  if (!syscall_stop && !(st >> 16))
    *sig = WSTOPSIG(st); /* a signal-delivery stop: its handler would run */
  if (let_go || !syscall_stop)
    return -1;
  return ptrace(PTRACE_GETREGS, tid, 0, r) ? -1 : 0;
}

static int entering(const struct user_regs_struct *r, const struct call *c) {
  return (long)r->orig_rax == c->nr && r->rip == c->pc && r->rsp == c->sp &&
         r->rdi == c->args[0] && r->rsi == c->args[1] && r->rdx == c->args[2] &&
         r->r10 == c->args[3] && r->r8 == c->args[4] && r->r9 == c->args[5];
}

/* Ends the restart's hold (slot h): what was learnt for it is forgotten,
 * and no give-back can put it back after. */
static void forget_pkru(int h, const struct call *c) {
  pthread_mutex_lock(&learnt_lock);
  held[h].in_restart = 0;
  for (int k = 0; k < LEARNT; k++)
    if (learnt[k].c.tid && same_call(&learnt[k].c, c))
      learnt[k].c.tid = 0;
  pthread_mutex_unlock(&learnt_lock);
}

/* Stops n's thread and, if the stop is inside call n (not in a handler
 * that a signal ran first), learns its PKRU for the call's restart. The
 * PKRU is kept only while the thread is inside that restart: the thread
 * is followed under ptrace to its next system-call entry, which must be
 * the restart with no signal delivered first, and to that call's exit,
 * where what is left is forgotten (review 20: otherwise a default-domain
 * handler run in between, or later after an EINTR, could make the same
 * call with the same stack pointer and take it). The stop ends n's wait:
 * n is gone, unless the thread could not be stopped. */
static void learn_pkru(const struct seccomp_notif *n) {
  pid_t tid = (pid_t)n->pid;
  struct call c;
  struct user_regs_struct r;
  uint32_t pkru;
  int sig, k = hold(tid);
  if (k < 0)
    return;
  if (ptrace(PTRACE_SEIZE, tid, 0, (void *)PTRACE_O_TRACESYSGOOD)) {
    unhold(k);
    return;
  }
  if (!stop_thread(tid, &sig) && !sig && stopped_in(tid, n, &c) &&
      !bh_stopped_pkru(tid, &pkru) && !next_syscall_stop(tid, k, &r, &sig) &&
      entering(&r, &c)) {
    pthread_mutex_lock(&learnt_lock);
    held[k].in_restart = 1;
    remember(&c, pkru);
    pthread_mutex_unlock(&learnt_lock);
    next_syscall_stop(tid, k, &r, &sig); /* its exit, answered meanwhile */
    forget_pkru(k, &c);
  }
  ptrace(PTRACE_DETACH, tid, 0, (void *)(long)sig);
  unhold(k);
}

/* n's path at `at` is in compartment memory and its caller's PKRU could
 * not be learnt: EFAULT, as the kernel would answer a caller without
 * rights, with one line. */
static void refuse_unlearnt(int listener, const struct seccomp_notif *n,
                            pid_t tgid, uintptr_t at) {
  struct owner o = {NULL, 0};
  compartment_page(tgid, at, &o);
  refuse_compartment_path(listener, n, at, &o);
  bh_notif_respond(listener, n->id, 0, EFAULT, 0);
}

struct learn_job {
  int listener;
  struct seccomp_notif n;
  pid_t tgid;
  uintptr_t at;
};

static void *learner(void *arg) {
  struct learn_job *j = arg;
  uint64_t id = j->n.id;
  /* A call a signal ended meanwhile: its thread is elsewhere now, and a
   * stop there would end another wait (a request made twice). */
  if (!ioctl(j->listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &id))
    learn_pkru(&j->n);
  if (!ioctl(j->listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &id))
    refuse_unlearnt(j->listener, &j->n, j->tgid, j->at); /* not stopped */
  free(j);
  return NULL;
}

/* Learns n's PKRU in a thread of its own, which follows the caller to the
 * restart's end while the supervisor's loop answers that restart: 0, or
 * -1 if no thread could be made. */
static int learn_in_a_thread(int listener, const struct seccomp_notif *n,
                             pid_t tgid, uintptr_t at) {
  struct learn_job *j = malloc(sizeof *j);
  pthread_t t;
  pthread_attr_t a;
  if (!j)
    return -1;
  *j = (struct learn_job){listener, *n, tgid, at};
  pthread_attr_init(&a);
  pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
  int err = pthread_create(&t, &a, learner, j);
  pthread_attr_destroy(&a);
  if (err)
    free(j);
  return err ? -1 : 0;
}

static int may_read(int key, uint32_t pkru) {
  return key > 0 && key < 16 && !(pkru & (1u << (2 * key)));
}

/* Reads the NUL-terminated path at addr: 0, or an errno value. Only in our
 * process (*ours) do addresses mean our layout. A path in compartment
 * memory is read only for a caller whose PKRU may read it (pkru; NULL:
 * not known yet, EAGAIN asks for it). */
static int read_path(pid_t tid, pid_t tgid, int *ours, const uint32_t *pkru,
                     uintptr_t addr, char *out, size_t size) {
  size_t got = 0;
  while (got < size) {
    size_t chunk = 4096 - ((addr + got) & 4095);
    if (chunk > size - got)
      chunk = size - got;
    struct owner o;
    if (compartment_page(tgid, addr + got, &o) && ours_of(ours, tgid)) {
      if (!pkru)
        return EAGAIN;
      if (!may_read(o.key, *pkru))
        return EFAULT; /* as the kernel would answer this caller */
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
static void rewrite(const char *in, char *out, size_t size, pid_t tgid,
                    pid_t tid) {
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

/* What names are judged against, taken before main (bh_names_take), so
 * before any mount of the program's: the supervisor's own /proc. */
static int proc_root = -1;
static uint64_t proc_mount; /* its mount's id: held, never reused */

static int mount_id(int fd, uint64_t *id) {
  struct statx sx;
  if (statx(fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &sx) ||
      !(sx.stx_mask & STATX_MNT_ID))
    return -1;
  *id = sx.stx_mnt_id;
  return 0;
}

/* /proc/<pid> (an O_PATH directory descriptor), or -1. */
static int proc_dir(pid_t pid) {
  char name[32];
  snprintf(name, sizeof name, proc_root >= 0 ? "%d" : "/proc/%d", (int)pid);
  return openat(proc_root >= 0 ? proc_root : AT_FDCWD, name,
                O_PATH | O_DIRECTORY | O_CLOEXEC);
}

void bh_names_take(void) {
  struct statfs fs;
  proc_root = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (proc_root >= 0 &&
      (fstatfs(proc_root, &fs) || fs.f_type != PROC_SUPER_MAGIC ||
       mount_id(proc_root, &proc_mount)))
    bh_names_drop();
}

void bh_names_drop(void) {
  if (proc_root >= 0)
    close(proc_root);
  proc_root = -1;
}

/* Whether a name read back could mean another file than it names: only
 * canonical names ("/proc/<pid>/mem"), as the kernel gives them, are
 * judged by what they say. */
static int canonical(const char *path) {
  return !strstr(path, "//") && !strstr(path, "/./") && !strstr(path, "/../") &&
         !strstr(path, "/self/") && !strstr(path, "/thread-self/");
}

/* The name procfs file fd reads back ("/proc/..."), into path; 1 only if
 * it is the very file (device, inode) that name gives under the
 * supervisor's own /proc, on that mount (so reached without crossing
 * another). A name says nothing by itself: a bind mount of one process's
 * file under another name or over another procfs file, procfs mounted
 * elsewhere, /proc's mount moved or another put in its place all rename
 * files (reviews 34, 35, attacks-rev34-bind-mem.c). An O_PATH open, so
 * that the process itself can ask under its filter. */
static int proc_name(int fd, char *path, size_t cap) {
  char link[64];
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  ssize_t n = readlink(link, path, cap - 1);
  path[n > 0 ? n : 0] = 0;
  if (n <= 6 || proc_root < 0 || strncmp(path, "/proc/", 6) ||
      !canonical(path))
    return 0;
  int same = openat(proc_root, path + 6, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  struct stat a, b;
  uint64_t id;
  int r = same >= 0 && !fstat(fd, &a) && !fstat(same, &b) &&
          a.st_dev == b.st_dev && a.st_ino == b.st_ino &&
          !mount_id(same, &id) && id == proc_mount;
  if (same >= 0)
    close(same);
  return r;
}

int bh_memory_file(int fd) {
  struct statfs fs;
  struct stat st;
  char path[PATH_MAX];
  if (fstatfs(fd, &fs) || fs.f_type != PROC_SUPER_MAGIC)
    return 0;
  if (!proc_name(fd, path, sizeof path))
    return fstat(fd, &st) || !(st.st_mode & 077) ? BH_R_SPELLING : 0;
  return !strcmp(path, "/proc/kcore") || !strcmp(strrchr(path, '/'), "/mem")
             ? BH_R_MEMFILE
             : 0;
}

/* Whether the open file is a procfs file the caller may not have: any
 * process's "mem" but the caller's own once it is no longer our process,
 * or anything of the supervisor's own (reached through a link that the
 * rewrite above could not follow for the caller). 0, or the reason. */
static int judge(int fd, pid_t tid, pid_t caller) {
  struct statfs fs;
  if (fstatfs(fd, &fs) || fs.f_type != PROC_SUPER_MAGIC)
    return 0;
  /* Without a true name, only files that others may read too are let
   * through (not a memory file, 0600, nor kcore or pagemap, 0400), as
   * containers bind parts of /proc over themselves (/proc/sys,
   * read-only). */
  char path[PATH_MAX];
  struct stat st;
  if (!proc_name(fd, path, sizeof path))
    return fstat(fd, &st) || !(st.st_mode & 077) ? BH_R_SPELLING : 0;
  const char *base = strrchr(path, '/');
  if (!strcmp(path, "/proc/kcore"))
    return BH_R_MEMFILE; /* all of memory, for root */
  int mem = !strcmp(base + 1, "mem");
  char *e;
  long pid = strtol(path + 6, &e, 10);
  if (e == path + 6 || (*e && *e != '/'))
    return 0; /* /proc/cpuinfo and the like */
  if (pid == getpid())
    return mem ? BH_R_MEMFILE : BH_R_SPELLING;
  if (!mem)
    return 0;
  /* Another process's: written, it runs code outside the filter that reads
   * ours (review 31, attacks-rev31-parent-mem.c). The caller's own only
   * once it is no longer our process: a program it execve'd, whose
   * runtime makes its start-up copies. Named by the caller's own thread
   * or process id, which no other task can have held at the open (the
   * caller waits in its call; its process's id is kept while any of its
   * threads lives): any other number may have changed hands since the
   * open bound the file to the memory of whoever had it then (review 33,
   * attacks-rev33-mem-pid-reuse.c). */
  if (pid != tid && pid != caller)
    return BH_R_MEMFILE;
  return bh_supervisor_tgid_is_ours(caller) ? BH_R_MEMFILE : 0;
}

/* Whether an open for writing reaches a kernel setting that has the kernel
 * run code outside the filter, with the process's memory in reach: a
 * sysctl (kernel.core_pattern's helper, kernel.modprobe) or any other
 * procfs file but the caller's own (/proc/<pid>/...), a uprobe through
 * tracefs or debugfs (its removal gives a start-up copy back to the page
 * cache; its out-of-line step runs the file's instruction), binfmt_misc's
 * interpreters, sysfs's uevent helper (review 30), any cgroup v1 file
 * (review 36); and any cgroup v2 file, whose cgroup.procs moves the
 * supervisor into a cgroup whose cgroup.kill ends it and cgroup.freeze
 * stalls it (review 47). 0, or the reason.
 * Also asked of the descriptors the process holds when its filter is
 * installed (syscalls.c). */
int bh_kernel_setting(int fd, unsigned long long flags, pid_t tid,
                      pid_t tgid) {
  if ((flags & O_ACCMODE) == O_RDONLY && !(flags & O_TRUNC))
    return 0;
  /* Devices that write physical memory or type input: /dev/mem, /dev/kmem,
   * /dev/port, /dev/uinput, /dev/uhid, /dev/userio, the event devices
   * (reviews 34, 35). */
  struct stat st;
  if (fstat(fd, &st))
    return BH_R_KERNEL_SETTING;
  unsigned maj = major(st.st_rdev), min = minor(st.st_rdev);
  if (S_ISCHR(st.st_mode) &&
      ((maj == 1 && min >= 1 && min <= 4 && min != 3) ||
       (maj == 10 && (min == 223 || min == 239 || min == 240)) || maj == 13))
    return BH_R_DEVICE;
  struct statfs fs;
  if (fstatfs(fd, &fs))
    return BH_R_KERNEL_SETTING;
  /* cgroup v1 whole: its release_agent is another program the kernel
   * runs as root (review 36), and a hierarchy is anyone's to mount. sysfs
   * whole: the uevent helper, and module parameters that name helper
   * programs (nfsd's cltrack_prog, drbd's usermode_helper: review 36). */
  if (fs.f_type == TRACEFS_MAGIC || fs.f_type == DEBUGFS_MAGIC ||
      fs.f_type == BINFMTFS_MAGIC || fs.f_type == CGROUP_SUPER_MAGIC ||
      fs.f_type == SYSFS_MAGIC)
    return BH_R_KERNEL_SETTING;
  if (fs.f_type == CGROUP2_SUPER_MAGIC)
    return BH_R_CGROUP;
  if (fs.f_type != PROC_SUPER_MAGIC)
    return 0;
  char path[PATH_MAX];
  if (!proc_name(fd, path, sizeof path))
    return BH_R_KERNEL_SETTING;
  /* The caller's own files only: another process's, written, may change
   * how it runs (review 31). Named by the caller's thread or process id
   * (judge's rule, review 33), or, without a caller (tid 0), by any
   * thread of process tgid. */
  char *e;
  long pid = strtol(path + 6, &e, 10);
  int own = !strncmp(path, "/proc/", 6) && e != path + 6 && *e == '/' &&
            (tid ? pid == tid || pid == tgid : bh_task_tgid((pid_t)pid) == tgid);
  return own ? 0 : BH_R_KERNEL_SETTING;
}

static int same_root(const struct caller *c) {
  static struct stat b;
  static int have;
  struct stat a;
  if (!have)
    have = !stat("/", &b);
  return !fstatat(c->dir, "root", &a, 0) && a.st_dev == b.st_dev &&
         a.st_ino == b.st_ino;
}

struct open_job {
  int listener;
  struct seccomp_notif n;
};

static void *open_thread(void *arg) {
  struct open_job *j = arg;
  bh_supervise_open(j->listener, &j->n, 0);
  free(j);
  return NULL;
}

/* Goes on in a thread of its own: returns 0 if that thread took the open
 * over. */
static int in_a_thread(int listener, const struct seccomp_notif *n) {
  struct open_job *j = malloc(sizeof *j);
  pthread_t t;
  pthread_attr_t a;
  if (!j)
    return -1;
  j->listener = listener, j->n = *n;
  pthread_attr_init(&a);
  pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
  int err = pthread_create(&t, &a, open_thread, j);
  pthread_attr_destroy(&a);
  if (err)
    free(j);
  return err ? -1 : 0;
}

/* Hands n to a thread of its own, with the PKRU learnt for it (if
 * learnt): 0, or -1 if no thread could be made. */
static int hand_over(int listener, const struct seccomp_notif *n, int learnt,
                     uint32_t pkru) {
  if (learnt)
    give_back_pkru(listener, n, pkru);
  return in_a_thread(listener, n);
}

/* After the loop's open with O_NONBLOCK added for a caller that did not
 * ask for it (*fd, or *err): 1 if that is the caller's answer (O_NONBLOCK
 * taken off again), 0 if the caller's own open would have waited (*fd
 * closed, *err EAGAIN if it had opened). A lease fails with EWOULDBLOCK,
 * a FIFO's write end without a reader with ENXIO, and a FIFO's read end
 * opens at once without waiting for a writer. */
static int answer_stands(int *fd, int *err) {
  if (*fd < 0)
    return *err != EWOULDBLOCK && *err != ENXIO;
  struct stat st;
  int fl = fcntl(*fd, F_GETFL);
  if (!fstat(*fd, &st) && !S_ISFIFO(st.st_mode) && fl >= 0 &&
      !fcntl(*fd, F_SETFL, fl & ~O_NONBLOCK))
    return 1;
  close(*fd);
  *fd = -1;
  *err = EAGAIN;
  return 0;
}

/* The length of the part of path (after rewrite) that is one of the
 * caller's own /proc/<tgid> links (cwd, exe, root, fd/<n>, also under
 * task/<tid>), or 0. The kernel follows them for any thread of that
 * process whatever its ids, the supervisor (another process) only with
 * CAP_SYS_PTRACE once the process has changed its ids. So the supervisor
 * follows them with its own rights, as it does the caller's working
 * directory and directory descriptors, and the rest of the path is
 * opened as the caller. The link alone with O_NOFOLLOW is left to the
 * kernel (ELOOP, or the link itself for O_PATH). */
static size_t own_link(const char *path, pid_t tgid, pid_t tid,
                       unsigned long long flags) {
  char head[48];
  size_t at = (size_t)snprintf(head, sizeof head, "/proc/%d/", (int)tgid);
  if (strncmp(path, head, at))
    return 0;
  size_t t = (size_t)snprintf(head, sizeof head, "task/%d/", (int)tid);
  if (!strncmp(path + at, head, t))
    at += t;
  const char *p = path + at;
  size_t l = 0;
  if (!strncmp(p, "cwd", 3) || !strncmp(p, "exe", 3))
    l = 3;
  else if (!strncmp(p, "root", 4))
    l = 4;
  else if (!strncmp(p, "fd/", 3) && p[3] > '0' && p[3] <= '9')
    for (l = 4; p[l] >= '0' && p[l] <= '9'; l++)
      ;
  else if (!strncmp(p, "fd/0", 4))
    l = 4;
  if (!l || (p[l] && p[l] != '/') || (!p[l] && flags & O_NOFOLLOW))
    return 0;
  return at + l;
}

/* Opens rel from base (base itself for "": the file a link of the
 * caller's led to) as the caller, with the extra capabilities of the
 * supervisor's own: the descriptor, or -1 and errno. */
static int open_as(const struct caller *who, unsigned long long extra,
                   long nr, int base, const char *rel, struct open_how *how) {
  char self[64];
  if (!*rel) {
    snprintf(self, sizeof self, "/proc/self/fd/%d", base);
    base = AT_FDCWD, rel = self;
  }
  int fd = -1, took = take_credentials(who, extra);
  if (took < 0)
    errno = EACCES;
  else if (nr == SYS_openat2)
    fd = (int)syscall(SYS_openat2, base, rel, how, sizeof *how);
  else if (how->resolve) { /* a chroot: openat2 is strict where open is not */
    how->flags &= O_ACCMODE | O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_APPEND |
                 O_NONBLOCK | O_DSYNC | O_SYNC | O_DIRECT | O_LARGEFILE |
                 O_NOFOLLOW | O_NOATIME | O_CLOEXEC | O_PATH | __O_TMPFILE |
                 O_DIRECTORY | FASYNC;
    if (!(how->flags & (O_CREAT | __O_TMPFILE)))
      how->mode = 0;
    fd = (int)syscall(SYS_openat2, base, rel, how, sizeof *how);
  } else {
    fd = openat(base, rel, (int)how->flags, (mode_t)how->mode);
  }
  int err = errno;
  if (took)
    give_back_credentials();
  errno = err;
  return fd;
}

/* A file of the caller's own /proc/<tgid>, named so: again the kernel
 * lets any thread of the process pass the ptrace check that some of them
 * make at open (maps, smaps), and the supervisor only with CAP_SYS_PTRACE
 * once the process changed its ids (dlopen-owned-plugin.c reads its maps
 * as nobody). So a refused open of such a name is tried once more with
 * that capability, beneath the caller's /proc/<tgid> and through no magic
 * link. Given for every open, it read other users' files and layouts for
 * nobody (review 38, attacks-rev38-ptrace-kept.c). Nothing else: not every
 * file there is the process's, and CAP_DAC_READ_SEARCH read root's
 * /proc/<pid>/net files, the network namespace's (review 40,
 * attacks-rev40-proc-net-dac.c). The descriptor, or -1. */
static int own_proc_file(const struct caller *who, long nr, const char *path,
                         const struct open_how *how) {
  char head[32];
  size_t l = (size_t)snprintf(head, sizeof head, "/proc/%d/", (int)who->tgid);
  if (strncmp(path, head, l) || !same_root(who))
    return -1;
  struct open_how h = *how;
  h.resolve |= RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  return open_as(who, 1ULL << CAP_SYS_PTRACE, nr, who->pdir, path + l, &h);
}

/* /dev/tty is the opener's controlling terminal, which the kernel finds
 * from the opener's session; the supervisor's session is its own, without
 * one (ENXIO). So an open that fails so is looked at again (O_PATH): if
 * it names /dev/tty, the caller's terminal is opened instead, the device
 * its /proc/<pid>/stat names (tty_nr), found in its root's /dev/pts (a
 * pty's) or /dev, as the caller, with its flags: the descriptor, or -1
 * and errno (ENXIO without one, as the kernel answers). Unlike the
 * kernel's, the open needs the caller's rights to the terminal's node. */
static int caller_tty(const struct caller *who, long nr, int base,
                      const char *rel, const struct open_how *how) {
  struct open_how h = {.flags = O_PATH | (how->flags & O_NOFOLLOW),
                       .resolve = how->resolve};
  struct stat st;
  char buf[1024], name[300];
  int fd = open_as(who, 0, nr, base, rel, &h);
  int dev_tty = fd >= 0 && !fstat(fd, &st) && S_ISCHR(st.st_mode) &&
                st.st_rdev == makedev(5, 0);
  if (fd >= 0)
    close(fd);
  char *e = dev_tty && bh_read_small(who->pdir, "stat", buf, sizeof buf) > 0
                ? strrchr(buf, ')')
                : NULL;
  unsigned tty_nr = 0; /* after the name: state ppid pgrp session tty_nr */
  if (!e || sscanf(e + 1, " %*c %*d %*d %*d %u", &tty_nr) != 1 || !tty_nr)
    return errno = ENXIO, -1;
  dev_t want = (dev_t)tty_nr; /* encoded as st_rdev is */
  int root = openat(who->dir, "root", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root < 0)
    return errno = ENXIO, -1;
  name[0] = 0;
  if (major(want) == 136) /* a pty's: /dev/pts/<index> */
    snprintf(name, sizeof name, "dev/pts/%u", minor(want));
  else { /* a console's, a serial line's: a node of /dev */
    struct open_how d = {.flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC,
                         .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};
    int dev = (int)syscall(SYS_openat2, root, "dev", &d, sizeof d);
    DIR *dir = dev >= 0 ? fdopendir(dev) : NULL;
    for (struct dirent *x; dir && !name[0] && (x = readdir(dir));)
      if (!fstatat(dev, x->d_name, &st, AT_SYMLINK_NOFOLLOW) &&
          S_ISCHR(st.st_mode) && st.st_rdev == want)
        snprintf(name, sizeof name, "dev/%s", x->d_name);
    if (dir)
      closedir(dir);
    else if (dev >= 0)
      close(dev);
  }
  h = (struct open_how){
      .flags = (how->flags & ~(unsigned long long)(O_CREAT | O_EXCL | O_TRUNC |
                                                  __O_TMPFILE | O_DIRECTORY)),
      .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};
  fd = name[0] ? open_as(who, 0, SYS_openat, root, name, &h) : -1;
  int err = name[0] ? errno : ENXIO;
  close(root);
  if (fd >= 0 &&
      (fstat(fd, &st) || !S_ISCHR(st.st_mode) || st.st_rdev != want)) {
    close(fd);
    fd = -1, err = ENXIO;
  }
  errno = err;
  return fd;
}

/* Opens for the caller of n what the path at `at` names from dirfd, with
 * how (read from the caller's memory for openat2), as the caller would:
 * the descriptor, or -1 when n is answered already (or comes again: its
 * PKRU was learnt). raw gets the path as read; *who the caller. */
static int open_for(int listener, const struct seccomp_notif *n, int inline_,
                    int dirfd, uintptr_t at, struct open_how *how,
                    char raw[PATH_MAX], int *ours_out,
                    const struct caller *who) {
  pid_t tid = (pid_t)n->pid;
  pid_t tgid = who->tgid;
  long nr = n->data.nr;
  char path[PATH_MAX + 64];
  int ours = -1;
  uint32_t pkru;
  uint64_t id = n->id;
  int err = tgid > 0 ? read_path(tid, tgid, &ours, NULL, at, raw, PATH_MAX)
                     : ESRCH;
  int learnt = err == EAGAIN && learnt_pkru(listener, n, &pkru);
  if (learnt)
    err = read_path(tid, tgid, &ours, &pkru, at, raw, PATH_MAX);
  if (err == EAGAIN) {
    if (learn_in_a_thread(listener, n, tgid, at))
      refuse_unlearnt(listener, n, tgid, at);
    return -1; /* answered, or (stopped) the call comes again */
  }
  if (!err && nr == SYS_openat2) {
    struct owner o;
    if (n->data.args[3] < sizeof *how)
      err = EINVAL;
    else if ((compartment_page(tgid, n->data.args[2], &o) ||
              compartment_page(tgid, n->data.args[2] + sizeof *how - 1, &o)) &&
             ours_of(&ours, tgid))
      err = EFAULT;
    else if (bh_task_read(tid, n->data.args[2], how, sizeof *how))
      err = EFAULT;
  }
  if (err == EPERM) {
    /* Its memory is closed to us, and its open cannot be judged. Not our
     * process (ours names the supervisor its ptracer), but ptrace access
     * is not symmetric: a program run from a file it may not read, or
     * made not dumpable otherwise, keeps its access to ours (review 35).
     * Refused; fatal only to ours. */
    if (ours_of(&ours, tgid))
      bh_supervisor_deny(listener, n, 1, BH_R_UNREADABLE, NULL);
    else
      bh_notif_respond(listener, n->id, 0, EPERM, 0);
    return -1;
  }
  if (ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &id))
    return -1; /* the caller is gone */
  if (err) {
    bh_notif_respond(listener, n->id, 0, err, 0);
    return -1;
  }
  rewrite(raw, path, sizeof path, tgid, tid);

  /* The base: dir, under the caller's directory or its process's. */
  char dir[64];
  int from = who->dir;
  const char *rel = path;
  size_t link = how->resolve ? 0 : own_link(path, tgid, tid, how->flags);
  if (link && same_root(who)) {
    size_t head = (size_t)snprintf(dir, sizeof dir, "/proc/%d/", (int)tgid);
    snprintf(dir, sizeof dir, "%.*s", (int)(link - head), path + head);
    from = who->pdir;
    for (rel = path + link; *rel == '/'; rel++)
      ;
  } else if (path[0] == '/') {
    snprintf(dir, sizeof dir, "root");
    while (*rel == '/')
      rel++;
    if (!*rel)
      rel = ".";
    if (!same_root(who))
      how->resolve |= RESOLVE_IN_ROOT; /* a chroot stays one */
  } else if (dirfd == AT_FDCWD) {
    snprintf(dir, sizeof dir, "cwd");
  } else { /* the thread's table: there after its leader's exit too */
    snprintf(dir, sizeof dir, "fd/%d", dirfd);
  }
  int base = openat(from, dir, O_PATH | O_CLOEXEC);
  if (base < 0) {
    bh_notif_respond(listener, n->id, 0,
                     errno == ENOENT && !link ? EBADF : errno, 0);
    return -1;
  }
  struct statfs bfs;
  struct stat bst;
  if (path[0] != '/' && !fstatfs(base, &bfs) &&
      bfs.f_type == PROC_SUPER_MAGIC && !fstat(base, &bst) &&
      bst.st_ino == 1 /* procfs's root */) {
    /* "self" relative to /proc: the caller's, not the supervisor's */
    char abs[PATH_MAX + 8];
    snprintf(abs, sizeof abs, "/proc/%s", raw);
    rewrite(abs, path, sizeof path, tgid, tid);
    rel = path + 1;
    close(base);
    if ((base = openat(who->dir, "root", O_PATH | O_CLOEXEC)) < 0) {
      bh_notif_respond(listener, n->id, 0, errno, 0);
      return -1;
    }
  }
  if (how->flags & (O_CREAT | __O_TMPFILE))
    how->mode &= ~who->umask;
  /* Opened here, in the supervisor's one loop, unless it could wait: a
   * FIFO waits for its other end (which may be this program's next open),
   * a device for its driver (but for the memory devices, /dev/null and
   * the like, which never wait). */
  struct stat st;
  if (inline_ &&
      !fstatat(base, rel, &st,
               (how->flags & O_NOFOLLOW ? AT_SYMLINK_NOFOLLOW : 0) |
                   (*rel ? 0 : AT_EMPTY_PATH)) &&
      (S_ISFIFO(st.st_mode) || S_ISBLK(st.st_mode) ||
       (S_ISCHR(st.st_mode) && major(st.st_rdev) != 1)) &&
      !hand_over(listener, n, learnt, pkru)) {
    close(base);
    return -1;
  }
  /* O_TRUNC waits for the caller (bh_supervise_truncate_open), and the
   * caller's O_CLOEXEC is the caller's: both given back after the open.
   * In the loop O_NONBLOCK is added, given back after too: an open that
   * would wait fails instead (a file the program holds a lease on, review
   * 21; a FIFO or device put in place since the look above) and goes on
   * in a thread of its own. */
  unsigned long long keep = how->flags & (O_CLOEXEC | O_TRUNC | O_NONBLOCK);
  int may_wait = !(keep & O_NONBLOCK) && !(how->flags & O_PATH);
  how->flags = (how->flags & ~(unsigned long long)O_TRUNC) | O_CLOEXEC;
  if (inline_ && may_wait)
    how->flags |= O_NONBLOCK;
  int fd = open_as(who, 0, nr, base, rel, how);
  int open_err = errno;
  if (fd < 0 && open_err == ENXIO) {
    fd = caller_tty(who, nr, base, rel, how);
    open_err = errno;
  }
  if (fd < 0 && (open_err == EACCES || open_err == EPERM) &&
      !(how->flags & (O_CREAT | __O_TMPFILE)))
    fd = own_proc_file(who, nr, path, how);
  how->flags =
      (how->flags & ~(unsigned long long)(O_CLOEXEC | O_NONBLOCK)) | keep;
  /* (No thread: the caller gets the loop's answer.) */
  if (inline_ && may_wait && !answer_stands(&fd, &open_err) &&
      !hand_over(listener, n, learnt, pkru)) {
    close(base);
    return -1;
  }
  close(base);
  if (fd < 0) {
    bh_notif_respond(listener, n->id, 0, open_err, 0);
    return -1;
  }
  if (ours_out)
    *ours_out = ours;
  return fd;
}

int bh_open_as_caller(int listener, const struct seccomp_notif *n, int inline_,
                      int dirfd, uintptr_t at, struct open_how *how,
                      char raw[PATH_MAX], int *ours_out) {
  struct caller who;
  if (read_caller((pid_t)n->pid, &who)) {
    bh_notif_respond(listener, n->id, 0, ESRCH, 0); /* gone */
    return -1;
  }
  int fd = open_for(listener, n, inline_, dirfd, at, how, raw, ours_out, &who);
  caller_done(&who);
  return fd;
}

void bh_supervise_open(int listener, const struct seccomp_notif *n,
                       int inline_) {
  long nr = n->data.nr;
  int dirfd = AT_FDCWD;
  uintptr_t at;
  struct open_how how = {0};
  if (nr == SYS_open || nr == SYS_creat) {
    at = n->data.args[0];
    how.flags = nr == SYS_creat ? O_CREAT | O_WRONLY | O_TRUNC
                                : (unsigned)n->data.args[1];
    how.mode = nr == SYS_creat ? n->data.args[1] : n->data.args[2];
  } else {
    dirfd = (int)n->data.args[0];
    at = n->data.args[1];
    how.flags = (unsigned)n->data.args[2];
    how.mode = n->data.args[3];
  }
  char raw[PATH_MAX];
  int ours = -1;
  int fd = bh_open_as_caller(listener, n, inline_, dirfd, at, &how, raw, &ours);
  if (fd < 0)
    return;
  int cloexec = (how.flags & O_CLOEXEC) != 0;
  pid_t caller = bh_task_tgid((pid_t)n->pid);
  int reason = judge(fd, (pid_t)n->pid, caller);
  if (!reason)
    reason = bh_kernel_setting(fd, how.flags, (pid_t)n->pid, caller);
  if (reason) {
    close(fd);
    bh_supervisor_deny(listener, n, ours_of(&ours, bh_task_tgid((pid_t)n->pid)),
                       reason, raw);
    return;
  }
  /* O_TRUNC: the file is judged, then truncated (supervisor-truncate.c) */
  if (how.flags & O_TRUNC &&
      bh_supervise_truncate_open(listener, n, fd, (int)(how.flags & O_ACCMODE),
                                 raw)) {
    close(fd);
    return; /* answered */
  }
  struct seccomp_notif_addfd add = {.id = n->id,
                                    .flags = SECCOMP_ADDFD_FLAG_SEND,
                                    .srcfd = (uint32_t)fd,
                                    .newfd = 0,
                                    .newfd_flags = cloexec ? O_CLOEXEC : 0};
  ioctl(listener, SECCOMP_IOCTL_NOTIF_ADDFD,
        &add); /* fails only if it is gone */
  close(fd);
}
