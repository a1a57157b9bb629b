/*
 * supervisor-signal.c - pidfd_send_signal, kill, tkill and
 * rt_sigqueueinfo of an id that may be a supervisor thread's, and the
 * calls that set a file's owner (who gets its SIGIO), judged by the
 * supervisor (docs/hardening.md, "The policy").
 *
 * The filter refuses every signal to the supervisor it can name by number
 * (kill, tgkill, ...). pidfd_send_signal names its target by a descriptor:
 * a pidfd, or a directory /proc/<pid> (which an O_DIRECTORY open gets
 * without the supervisor). The filter sends every such call here (found in
 * the second review: the default domain killed the supervisor). The
 * supervisor takes a copy of the caller's descriptor (pidfd_getfd), so a
 * dup2 after the look cannot change what is signalled, refuses the call
 * if that copy names the supervisor, and otherwise makes the call itself
 * on the copy, with the caller's ids where it runs as root (a child of the
 * supervisor switches to them first: the kernel checks the sender's right
 * to signal). It reads the caller's siginfo regardless of protection keys,
 * so one in compartment memory fails with EFAULT, for every caller: read
 * for the default domain, a signal to itself delivered a compartment's
 * bytes (attacks-siginfo-compartment.c).
 */
#define _GNU_SOURCE
#include "syscalls.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* Whether match(tid, arg) holds for one of the supervisor's own thread ids
 * (/proc/self/task). Unknown: yes. */
static int own_thread(int (*match)(long tid, const void *arg),
                      const void *arg) {
  DIR *d = opendir("/proc/self/task");
  if (!d)
    return 1;
  int hit = 0;
  for (struct dirent *e; !hit && (e = readdir(d));) {
    long tid = strtol(e->d_name, NULL, 10);
    hit = tid > 0 && match(tid, arg);
  }
  closedir(d);
  return hit;
}

static int is_id(long tid, const void *id) { return tid == *(const long *)id; }

/* Whether /proc/<tid> is the directory whose stat is st. */
static int is_dir(long tid, const void *st) {
  const struct stat *a = st;
  struct stat b;
  char path[64];
  snprintf(path, sizeof path, "/proc/%ld", tid);
  return !stat(path, &b) && a->st_dev == b.st_dev && a->st_ino == b.st_ino;
}

/* Whether our copy fd names the supervisor: a pidfd of it (its fdinfo's
 * Pid line), or a /proc/<pid> directory of it, of any of its threads (a
 * signal through a thread's directory goes to its whole process). Unknown:
 * yes. */
static int names_supervisor(int fd) {
  char path[64], buf[1024];
  snprintf(path, sizeof path, "/proc/self/fdinfo/%d", fd);
  if (bh_read_small(AT_FDCWD, path, buf, sizeof buf) < 0)
    return 1;
  const char *pid = strstr(buf, "\nPid:");
  struct stat a;
  if (pid) {
    long id = strtol(pid + 5, NULL, 10);
    return own_thread(is_id, &id);
  }
  return fstat(fd, &a) || own_thread(is_dir, &a);
}

/* The caller's ids from its status line NAME (real, effective, saved). */
static int ids(const char *status, const char *name, unsigned long v[3]) {
  const char *l = strstr(status, name);
  return !l ||
         sscanf(l + strlen(name), "%lu %lu %lu", &v[0], &v[1], &v[2]) != 3;
}

/* call(arg) with the ids of task tid: 0 or an errno. The kernel checks
 * (or records, for a file's owner) the caller's right to signal, so where
 * the supervisor runs as root a child of it switches to the caller's ids
 * first. */
static int as_caller(pid_t tid, int (*call)(void *), void *arg) {
  if (geteuid() != 0) /* the program's own user: the same rights */
    return call(arg);
  char status[16384];
  unsigned long u[3], g[3];
  if (bh_read_status(tid, status, sizeof status) || ids(status, "\nUid:", u) ||
      ids(status, "\nGid:", g))
    return EPERM;
  gid_t groups[256];
  int ng = 0;
  const char *l = strstr(status, "\nGroups:");
  for (char *e, *s = l ? (char *)l + 8 : NULL; s && *s != '\n' && ng < 256;
       s = e) {
    unsigned long v = strtoul(s, &e, 10);
    if (e == s)
      break;
    groups[ng++] = (gid_t)v;
  }
  pid_t c = fork();
  if (c == 0) {
    if (setgroups((size_t)ng, groups) || setresgid(g[0], g[1], g[2]) ||
        setresuid(u[0], u[1], u[2]))
      _exit(EPERM);
    _exit(call(arg));
  }
  /* The program can stop this fork (tgkill of SIGSTOP: its id is the next
   * one, not judged), which would hold the supervisor here for good: a
   * stopped fork is killed, and the call refused (review 44,
   * attacks-rev44-send-as-stop.c). */
  int st = 0;
  pid_t w;
  while ((w = c > 0 ? waitpid(c, &st, WUNTRACED) : -1) == c && WIFSTOPPED(st))
    kill(c, SIGKILL);
  if (w != c || !WIFEXITED(st))
    return EPERM;
  return WEXITSTATUS(st);
}

struct sig_call {
  int fd, sig;
  siginfo_t *info;
  unsigned flags;
};

static int send_signal(void *arg) {
  struct sig_call *c = arg;
  return syscall(SYS_pidfd_send_signal, c->fd, c->sig, c->info, c->flags)
             ? errno
             : 0;
}

void bh_supervise_signal(int listener, const struct seccomp_notif *n) {
  pid_t tid = (pid_t)n->pid, tgid = bh_task_tgid(tid);
  int pfd = tgid > 0 ? (int)syscall(SYS_pidfd_open, tgid, 0) : -1;
  int fd = pfd < 0
               ? -1
               : (int)syscall(SYS_pidfd_getfd, pfd, (int)n->data.args[0], 0);
  if (pfd >= 0)
    close(pfd);
  uint64_t id = n->id;
  int err = 0;
  siginfo_t info, *ip = NULL;
  if (fd < 0)
    err = EBADF; /* as the kernel would answer */
  else if (ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &id))
    err = ESRCH; /* the caller is gone: its pid may be another's now */
  else if (names_supervisor(fd)) {
    close(fd);
    bh_supervisor_deny(listener, n, bh_supervisor_is_ours(tid), BH_R_SUPERVISOR,
                       NULL);
    return;
  } else if (n->data.args[2] &&
             (bh_supervisor_in_compartments(tgid, n->data.args[2],
                                            sizeof info) ||
              bh_task_read(tid, n->data.args[2], &info, sizeof info)))
    err = EFAULT; /* the kernel reads it with the caller's rights */
  else {
    if (n->data.args[2])
      ip = &info;
    struct sig_call c = {fd, (int)n->data.args[1], ip,
                         (unsigned)n->data.args[3]};
    err = as_caller(tid, send_signal, &c);
  }
  if (fd >= 0)
    close(fd);
  bh_notif_respond(listener, n->id, 0, err, 0);
}

/* Whether task tid sees the supervisor's pid namespace: its ids are ours
 * (unknown: yes). Under the filter a task can only enter namespaces below
 * it, where no id names the supervisor. */
static int same_pid_ns(pid_t tid) {
  char path[64];
  struct stat a, b;
  snprintf(path, sizeof path, "/proc/%d/ns/pid", (int)tid);
  return stat(path, &a) || stat("/proc/self/ns/pid", &b) ||
         (a.st_dev == b.st_dev && a.st_ino == b.st_ino);
}

/* kill, tkill and rt_sigqueueinfo of a signal to a positive id that is not
 * the supervisor's pid (the filter refuses that one): the id may be one of
 * the supervisor's threads, and the signal would reach the whole
 * supervisor (review 31, attacks-rev31-supervisor-thread-kill.c). Refused
 * for its own ids; ESRCH, as the kernel would answer, when no task has the
 * id; else the kernel goes on with the call (its arguments are registers:
 * nothing can change between this look and the call).
 *
 * The window: the kernel delivers after this answer, to whatever task has
 * the id then. A task had it at the look (else ESRCH), so for the
 * supervisor to have it at delivery that task must end and the kernel give
 * its id to a new supervisor thread, which needs the pid counter to go
 * round all of pid_max (ids are handed out in turn) within that window.
 * Not closed. The supervisor answers one notification at a time, so no
 * other notified call runs between the look and the answer, and a fork it
 * waits for (as_caller) is gone before a kill of it is judged (a tgkill of
 * that fork is not judged: its SIGSTOP would stall as_caller; not tried). */
void bh_supervise_kill(int listener, const struct seccomp_notif *n) {
  pid_t tid = (pid_t)n->pid;
  long id = (int)n->data.args[0];
  int same = same_pid_ns(tid);
  uint64_t nid = n->id;
  if (ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &nid))
    return; /* the caller is gone: its pid may be another's now */
  if (!same) /* its ids are of another namespace, below ours */
    bh_notif_respond(listener, n->id, 0, 0, 1);
  else if (kill((pid_t)id, 0) && errno == ESRCH)
    bh_notif_respond(listener, n->id, 0, ESRCH, 0);
  else if (own_thread(is_id, &id))
    bh_supervisor_deny(listener, n, bh_supervisor_is_ours(tid), BH_R_SUPERVISOR,
                       NULL);
  else
    bh_notif_respond(listener, n->id, 0, 0, 1);
}

#ifndef FIOSETOWN
#define FIOSETOWN 0x8901
#endif
#ifndef SIOCSPGRP
#define SIOCSPGRP 0x8902
#endif

struct owner_call {
  int fd, is_ioctl;
  unsigned cmd;
  void *arg;
};

static int set_owner(void *arg) {
  struct owner_call *c = arg;
  long r = c->is_ioctl ? ioctl(c->fd, c->cmd, c->arg)
                       : fcntl(c->fd, (int)c->cmd, c->arg);
  return r < 0 ? errno : 0;
}

/* Our copy of the caller's descriptor, for a call that takes one: -1 for
 * EBADF (also an O_PATH descriptor, which fcntl and ioctl refuse). */
static int copy_fd(pid_t tid, int fd) {
  pid_t tgid = bh_task_tgid(tid);
  int pfd = tgid > 0 ? (int)syscall(SYS_pidfd_open, tgid, 0) : -1;
  int c = pfd < 0 ? -1 : (int)syscall(SYS_pidfd_getfd, pfd, fd, 0);
  if (pfd >= 0)
    close(pfd);
  if (c >= 0 && fcntl(c, F_GETFL) & O_PATH) {
    close(c);
    c = -1;
  }
  return c;
}

/* A file's owner (docs/hardening.md, "The policy"). The kernel signals
 * it: SIGIO at each I/O event on an O_ASYNC file, or the signal F_SETSIG
 * chose (SIGKILL too), SIGURG for a socket's urgent data, SIGIO for a
 * lease broken or a directory changed (F_SETLEASE, F_NOTIFY: those make
 * the caller's own process the owner). fcntl F_SETOWN, F_SETOWN_EX and a
 * socket's ioctl FIOSETOWN and SIOCSPGRP name any process, thread or group
 * the caller may signal as the owner, and a thread id of the supervisor's
 * names the whole supervisor (attacks-sigio-supervisor.c). The filter
 * refuses F_SETOWN of the supervisor's pid and group and sends the other
 * positive ids here; the other three read the id from memory, which
 * another thread may change after a look, so they all come here and the
 * supervisor makes the call itself on its copy of the caller's descriptor
 * (the owner lives in the file, shared by every copy), with the id it
 * read once and with the caller's ids: the kernel records the setter's
 * uid and euid for its check at each signal. Refused: the supervisor's
 * threads and group; ESRCH for an id no task has, as bh_supervise_kill
 * (and the same window); an ioctl of a file that is no socket is answered
 * ENOTTY (sockets are the ones Linux 6.1 sets an owner for with these
 * requests). A caller in a pid namespace below ours goes on in the
 * kernel: no id there names the supervisor. A terminal's O_ASYNC makes
 * its foreground group the owner, unjudged: never the supervisor's, which
 * is in a session of its own (bh_supervisor_start; issue 12,
 * attacks-supervisor-tty-foreground.c). */
void bh_supervise_owner(int listener, const struct seccomp_notif *n) {
  pid_t tid = (pid_t)n->pid;
  int is_ioctl = n->data.nr == SYS_ioctl;
  unsigned cmd = (unsigned)n->data.args[1];
  int ex = !is_ioctl && cmd == F_SETOWN_EX, in_reg = !is_ioctl && !ex;
  int same = same_pid_ns(tid);
  int fd = in_reg ? -2 : copy_fd(tid, (int)n->data.args[0]);
  uint64_t nid = n->id;
  struct f_owner_ex o = {F_OWNER_PID, (int)n->data.args[2]};
  uintptr_t at = (uintptr_t)n->data.args[2];
  pid_t tgid = bh_task_tgid(tid);
  size_t len = ex ? sizeof o : sizeof o.pid;
  int err = 0;
  if (ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &nid))
    err = -1; /* the caller is gone: its pid may be another's now */
  else if (!same) /* its ids are of another namespace, below ours */
    err = -2;
  else if (fd == -1)
    err = EBADF;
  else if (is_ioctl) {
    struct stat st;
    if (fstat(fd, &st) || !S_ISSOCK(st.st_mode))
      err = ENOTTY;
  }
  if (!err && !in_reg &&
      (bh_supervisor_in_compartments(tgid, at, len) ||
       bh_task_read(tid, at, ex ? (void *)&o : (void *)&o.pid, len)))
    err = EFAULT; /* the kernel reads it with the caller's rights */
  int raw = o.pid; /* an ioctl's, as read */
  if (!err && !ex && o.pid < 0) { /* a group, as f_setown reads an int */
    if (o.pid == INT_MIN)
      err = EINVAL;
    o.type = F_OWNER_PGRP, o.pid = -o.pid;
  }
  if (!err && (unsigned)o.type > F_OWNER_PGRP)
    err = EINVAL;
  int group = o.type == F_OWNER_PGRP;
  if (!err && o.pid > 0 && !group && kill(o.pid, 0) && errno == ESRCH) {
    err = ESRCH; /* after EBADF, as the kernel answers */
    if (in_reg && (fd = copy_fd(tid, (int)n->data.args[0])) < 0)
      err = EBADF;
  }
  if (!err && o.pid > 0 &&
      (group ? o.pid == getpgrp() : own_thread(is_id, &(long){o.pid}))) {
    if (fd >= 0)
      close(fd);
    bh_supervisor_deny(listener, n, bh_supervisor_is_ours(tid), BH_R_SUPERVISOR,
                       NULL);
    return;
  }
  if (!err && !in_reg) {
    struct owner_call c = {fd, is_ioctl, cmd, ex ? (void *)&o : (void *)&raw};
    err = as_caller(tid, set_owner, &c);
  }
  if (fd >= 0)
    close(fd);
  if (err == -1)
    return;
  if (err == -2 || (!err && in_reg))
    bh_notif_respond(listener, n->id, 0, 0, 1);
  else
    bh_notif_respond(listener, n->id, 0, err, 0);
}
