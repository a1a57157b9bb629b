/*
 * supervisor-signal.c - pidfd_send_signal, and kill, tkill and
 * rt_sigqueueinfo of an id that may be a supervisor thread's, judged by
 * the supervisor (docs/hardening.md, "The policy").
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
  int info = open(path, O_RDONLY | O_CLOEXEC);
  ssize_t k = info < 0 ? -1 : read(info, buf, sizeof buf - 1);
  if (info >= 0)
    close(info);
  if (k <= 0)
    return 1;
  buf[k] = 0;
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

/* pidfd_send_signal(fd, sig, info, flags) with the caller's ids: 0 or an
 * errno. */
static int send_as(pid_t tid, int fd, int sig, siginfo_t *info,
                   unsigned flags) {
  if (geteuid() != 0) /* the program's own user: the same rights */
    return syscall(SYS_pidfd_send_signal, fd, sig, info, flags) ? errno : 0;
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
    _exit(syscall(SYS_pidfd_send_signal, fd, sig, info, flags) ? errno : 0);
  }
  int st;
  if (c < 0 || waitpid(c, &st, 0) != c || !WIFEXITED(st))
    return EPERM;
  return WEXITSTATUS(st);
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
    err = send_as(tid, fd, (int)n->data.args[1], ip, (unsigned)n->data.args[3]);
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
 * waits for (send_as) is gone before a kill of it is judged (a tgkill of
 * that fork is not judged: its SIGSTOP would stall send_as; not tried). */
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
