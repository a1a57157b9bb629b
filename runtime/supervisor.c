/*
 * supervisor.c - the process that decides what the seccomp filter cannot
 * (docs/hardening.md).
 *
 * Forked before main, before the filter exists, so it is not filtered
 * itself; it has its own address space, so nothing the program writes
 * changes its decisions. It reads the program's memory only to learn a
 * path, and writes it only for the runtime's stack-owner table. For every
 * notification it first asks whether the calling task is our process (or
 * a fork of it) or a program run with execve, which inherits the filter
 * but not our memory: the kernel's record of the address space
 * (/proc/<pid>/stat) tells them apart, and the program cannot change it.
 *   - Calls refused for our process (pkey_*, protected memory, executable
 *     memory, personality): one line, the process is killed, the call
 *     fails. Other programs' calls continue.
 *   - Opens (supervisor-open.c): for every task, no process memory file of
 *     our process or of the supervisor.
 *   - Executable file mappings (supervisor-exec.c): scanned for PKRU
 *     writes, for our process.
 *   - Truncations (supervisor-truncate.c): for every task, none that
 *     would shorten a file our process or a fork of it maps executable.
 *   - The runtime's requests (BH_REQUEST_FD): the stack-owner table, with
 *     the same rules stacks.c used to apply itself; keys reserved at
 *     start-up, given to compartments registered later
 *     (supervisor-keys.c).
 *   - A registered object's code made executable, last (supervisor-code.c).
 * If it dies, the kernel fails every notified call with ENOSYS: opens
 * fail, and the runtime stops at its next stack request.
 */
#define _GNU_SOURCE
#include "syscalls.h"

#include <linux/kcmp.h>
#include <sched.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SECCOMP_USER_NOTIF_FLAG_CONTINUE
#define SECCOMP_USER_NOTIF_FLAG_CONTINUE (1UL << 0)
#endif

extern pid_t _Fork(void);

/* stacks.c's owner table: the same address in every fork of the program. */
extern struct bh_owner_table
    bh_owners __asm__("__bulkhead_stack_owners") BH_HIDDEN;

int bh_notif_respond(int listener, uint64_t id, long val, int error, int cont) {
  struct seccomp_notif_resp r;
  memset(&r, 0, sizeof r);
  r.id = id;
  r.val = val;
  r.error = error ? -error : 0;
  r.flags = cont ? SECCOMP_USER_NOTIF_FLAG_CONTINUE : 0;
  return ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &r);
}

int bh_task_read(pid_t tid, uintptr_t addr, void *buf, size_t len) {
  struct iovec local = {buf, len}, remote = {(void *)addr, len};
  return process_vm_readv(tid, &local, 1, &remote, 1, 0) == (ssize_t)len ? 0
                                                                         : -1;
}

int bh_read_status(pid_t pid, char *buf, size_t size) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d", (int)pid);
  return bh_read_status_at(open(path, O_PATH | O_DIRECTORY | O_CLOEXEC), 1,
                           buf, size);
}

ssize_t bh_read_small(int dir, const char *name, char *buf, size_t size) {
  int fd = openat(dir, name, O_RDONLY | O_CLOEXEC);
  ssize_t k = fd < 0 ? -1 : read(fd, buf, size - 1);
  if (fd >= 0)
    close(fd);
  if (k <= 0)
    return -1;
  buf[k] = 0;
  return k;
}

int bh_read_status_at(int dir, int close_dir, char *buf, size_t size) {
  int fd = dir < 0 ? -1 : openat(dir, "status", O_RDONLY | O_CLOEXEC);
  if (close_dir && dir >= 0)
    close(dir);
  if (fd < 0)
    return -1; /* errno: ENOENT or ESRCH when the task is gone */
  /* Whole or not at all: a long Groups line once pushed the lines after
   * it out of one read (review 13b). */
  size_t n = 0;
  ssize_t k = 1;
  while (n < size - 1 && (k = read(fd, buf + n, size - 1 - n)) > 0)
    n += (size_t)k;
  char more;
  if (k > 0 && read(fd, &more, 1) > 0)
    k = -1, errno = EFBIG;
  close(fd);
  if (k < 0 || n == 0) {
    if (k == 0)
      errno = EIO;
    return -1;
  }
  buf[n] = 0;
  return 0;
}

int bh_read_syscall(pid_t tid, struct bh_syscall *c) {
  char path[64], buf[256];
  snprintf(path, sizeof path, "/proc/%d/syscall", (int)tid);
  if (bh_read_small(AT_FDCWD, path, buf, sizeof buf) < 0)
    return -1;
  /* "nr arg1 ... arg6 sp pc", or "-1 sp pc" or "running" */
  if (!strncmp(buf, "running", 7)) {
    errno = EAGAIN;
    return -1;
  }
  errno = EINVAL;
  return sscanf(buf, "%ld %" SCNx64 " %" SCNx64 " %" SCNx64 " %" SCNx64
                     " %" SCNx64 " %" SCNx64 " %" SCNx64 " %" SCNx64,
                &c->nr, &c->args[0], &c->args[1], &c->args[2], &c->args[3],
                &c->args[4], &c->args[5], &c->sp, &c->pc) == 9 &&
                 c->nr >= 0
             ? 0
             : -1;
}

static long status_field(pid_t pid, const char *name) {
  char buf[16384];
  if (bh_read_status(pid, buf, sizeof buf))
    return -1;
  size_t l = strlen(name);
  for (char *s = buf; s && *s; s = strchr(s, '\n') ? strchr(s, '\n') + 1 : NULL)
    if (!strncmp(s, name, l) && s[l] == ':')
      return strtol(s + l + 1, NULL, 10);
  return -1;
}

pid_t bh_task_tgid(pid_t tid) { return (pid_t)status_field(tid, "Tgid"); }

char bh_thread_state(pid_t tgid, pid_t tid) {
  char path[96], buf[512];
  snprintf(path, sizeof path, "/proc/%d/task/%d/stat", (int)tgid, (int)tid);
  if (bh_read_small(AT_FDCWD, path, buf, sizeof buf) < 0)
    return 0;
  char *s = strrchr(buf, ')');
  return s && s[1] && s[2] ? s[2] : 0;
}

int bh_reads_own_table(pid_t tgid, pid_t tid) {
  return tgid == tid || syscall(SYS_kcmp, tgid, tid, KCMP_FILES, 0, 0) == 0;
}

int bh_cannot_look(void) {
  return errno == EMFILE || errno == ENFILE || errno == ENOMEM;
}

/* Thread by thread: the leader's memory is gone once it ended
 * (pthread_exit) while its threads live on, and kcmp then says "other
 * memory" (review 6, attacks-review6-adopt-zombie-parent.c and
 * -zombie-leader-sharer.c). A task reaped since the listing (ESRCH while
 * tid lives) shares nothing: a daemon's parent exits as its child asks
 * to take its stacks over (test/runtime/daemon.c). Any other failure:
 * unknown (-1). */
int bh_tgid_shares_memory_of(pid_t tgid, pid_t tid) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/task", (int)tgid);
  DIR *d = opendir(path);
  if (!d)
    return bh_cannot_look() ? -2 : 0; /* else gone */
  int shares = 0, unknown = 0;
  for (struct dirent *e; !shares && (e = readdir(d));) {
    char *end;
    long t = strtol(e->d_name, &end, 10);
    if (*end || t <= 0)
      continue;
    long order = syscall(SYS_kcmp, (pid_t)t, tid, KCMP_VM, 0, 0);
    if (order == 0)
      shares = 1;
    else if (order < 0 &&
             (errno != ESRCH || syscall(SYS_kcmp, tid, tid, KCMP_VM, 0, 0)))
      unknown = 1;
  }
  closedir(d);
  return shares ? 1 : unknown ? -1 : 0;
}

int bh_each_sharer(pid_t tgid, pid_t tid, int (*fn)(pid_t p, void *arg),
                   void *arg) {
  DIR *d = opendir("/proc");
  if (!d)
    return -1;
  int r = 0;
  for (struct dirent *e; !r && (e = readdir(d));) {
    char *end;
    long p = strtol(e->d_name, &end, 10);
    if (*end || p <= 0 || p == tgid || p == getpid())
      continue;
    int shares = bh_tgid_shares_memory_of((pid_t)p, tid);
    if (shares == 1)
      r = fn((pid_t)p, arg);
    else if (shares == -2)
      r = -1;
  }
  closedir(d);
  return r;
}

/* Whether task tid belongs to our process or a fork of it (same address
 * space record). Unknown counts as ours: the stricter answer. */
int bh_supervisor_is_ours(pid_t tid) {
  return bh_supervisor_tgid_is_ours(bh_task_tgid(tid));
}

int bh_supervisor_tgid_is_ours(pid_t tgid) {
  return bh_ident_is_ours(tgid) != 0;
}

/* A process's /proc/<pid>/stat hides its address-space fields from a
 * reader without ptrace access to it (start_code 1, the rest 0): a
 * process that is not dumpable, to a supervisor without CAP_SYS_PTRACE,
 * and a program made so by a change of ids (setfsuid) chooses that
 * (review 33, attacks-rev33-nondumpable-not-ours.c). Its text size
 * (/proc/<pid>/status VmExe, shown to every reader) changes only with an
 * execve or an unmapping of its code, which the filter refuses to our
 * process: the supervisor, a fork of ours, has ours. */
static int same_text_size(pid_t tgid) {
  static long ours = -2;
  if (ours == -2)
    ours = status_field(getpid(), "VmExe");
  long theirs = status_field(tgid, "VmExe");
  return ours < 0 || theirs < 0 || theirs == ours;
}

int bh_ident_is_ours(pid_t tgid) {
  unsigned long id[BH_IDENT_FIELDS];
  if (tgid <= 0 || bh_task_ident(tgid, id))
    return -1;
  int zero = 1, hidden = id[0] == 1;
  for (int i = 0; i < BH_IDENT_FIELDS; i++) {
    zero &= id[i] == 0;
    hidden &= i == 0 || id[i] == 0;
  }
  if (hidden)
    return same_text_size(tgid);
  return zero || !memcmp(id, bh_policy->ident, sizeof id);
}

/* fork without the program's atfork handlers, which the supervisor
 * inherited (the runtime's own, stacks.c, stop a process that is not the
 * program's: a fork of the supervisor as nobody wrote no line). */
static pid_t raw_fork(void) {
  return (pid_t)syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
}

/* Line children killed in a write that had not ended, until they are
 * reaped (a write into a FUSE file could keep one in the kernel a while);
 * left, each would stay a zombie until the supervisor ends. */
static pid_t killed_lines[32];

static void reap_killed_lines(void) {
  for (size_t i = 0; i < sizeof killed_lines / sizeof *killed_lines; i++)
    if (killed_lines[i] > 0 && waitpid(killed_lines[i], NULL, WNOHANG) != 0)
      killed_lines[i] = 0;
}

static void reap_later(pid_t c) {
  for (size_t i = 0; i < sizeof killed_lines / sizeof *killed_lines; i++)
    if (!killed_lines[i]) {
      killed_lines[i] = c;
      return;
    }
}

/* Writes a line to the standard error of task tid's process: through its
 * own descriptor 2 (pidfd_getfd: the same open file, at its offset), so
 * the supervisor keeps none of the program's files open itself (a reader
 * of the program's output would otherwise wait for the supervisor's end,
 * which comes only when every process under the filter has ended). Where
 * pidfd_getfd finds none (a process whose leader has ended, pthread_exit:
 * the leader's table is gone, review 41), the caller thread's own
 * descriptor 2 is opened again, in the child, by bh_caller_line_fd
 * (supervisor-open.c, which says why that writes nowhere the caller's
 * descriptor could not). listener and id: n's, to check n is still
 * pending once the caller's directory is open, so its number is the
 * caller's; listener -1 where the supervisor has stopped the caller since
 * (which ends n's wait). */
void bh_supervisor_say(pid_t tid, int listener, uint64_t id,
                       const char *line, size_t len) {
  pid_t tgid = bh_task_tgid(tid);
  if (tgid <= 0)
    return;
  int pfd = (int)syscall(SYS_pidfd_open, tgid, 0);
  int fd = pfd >= 0 ? (int)syscall(SYS_pidfd_getfd, pfd, 2, 0) : -1;
  /* The write is a child's, which the supervisor waits for a second at
   * most: where the program chooses, a write waits for good (a full
   * pipe, review 44, attacks-rev44-denial-line-blocks.c; a pipe whose
   * lock a splice into a full socket holds, review 45, attacks-rev45-
   * denial-line-pipe-lock.c), and so would every call the supervisor
   * decides; so may an open of the file again (a FIFO's takes that lock
   * too). The child keeps no descriptor but that one (not the listener).
   * One still writing then (or stopped by the program) is killed, and
   * reaped once it has ended. */
  reap_killed_lines();
  pid_t c = raw_fork();
  if (c == 0) {
    if (fd < 0)
      fd = bh_caller_line_fd(listener, tid, id);
    if (fd >= 0 && dup2(fd, 0) == 0) {
      syscall(SYS_close_range, 1, ~0u, 0);
      if (write(0, line, len) < 0) {
      }
    }
    _exit(0);
  }
  int cfd = c > 0 ? (int)syscall(SYS_pidfd_open, c, 0) : -1;
  struct pollfd p = {cfd, POLLIN, 0};
  if (cfd >= 0 && poll(&p, 1, 1000) == 1)
    waitpid(c, NULL, 0);
  else if (c > 0) {
    kill(c, SIGKILL);
    if (cfd >= 0 && poll(&p, 1, 100) == 1)
      waitpid(c, NULL, 0);
    else
      reap_later(c);
  }
  if (cfd >= 0)
    close(cfd);
  if (fd >= 0)
    close(fd);
  if (pfd >= 0)
    close(pfd);
}

void bh_domain_text(pid_t tid, int pkru_known, uint32_t pkru, char *out,
                    size_t size) {
  const struct bulkhead_domain *d = pkru_known ? bh_domain_of_pkru(pkru) : NULL;
  if (d == &__bulkhead_domain0)
    snprintf(out, size, "the default domain");
  else if (d)
    snprintf(out, size, "compartment '%s'", d->name);
  else if (!pkru_known || !bh_registered_domain(tid, pkru, out, size))
    snprintf(out, size, "%s", "code outside every domain");
}

/* The domain thread tid runs in (the supervisor stops it to read its PKRU:
 * only for a call it refuses, whose process then dies). */
static void domain_of(pid_t tid, char *out, size_t size) {
  uint32_t pkru;
  bh_domain_text(tid, !bh_task_pkru(tid, &pkru), pkru, out, size);
}

/* Writes "bulkhead: denied: call(args) from DOMAIN, in process P (thread
 * T) - why" for our process, which then dies; answers the call with
 * EPERM. */
static void deny(int listener, const struct seccomp_notif *n, int ours,
                 const char *detail, const char *why) {
  if (ours) {
    char line[1600];
    const char *name = bh_syscall_name(n->data.nr);
    int k =
        snprintf(line, sizeof line, "bulkhead: denied: %s(", name ? name : "?");
    int nargs = n->data.nr == SYS_munmap ? 2 : n->data.nr == SYS_mmap ? 6 : 4;
    for (int i = 0; i < nargs && k < (int)sizeof line; i++)
      k += snprintf(line + k, sizeof line - (size_t)k, "%s0x%llx",
                    i ? ", " : "", (unsigned long long)n->data.args[i]);
    char domain[128];
    domain_of((pid_t)n->pid, domain, sizeof domain);
    if (k < (int)sizeof line)
      k +=
          snprintf(line + k, sizeof line - (size_t)k,
                   ")%s%s%s from %s, in process %d (thread %d) "
                   "\xe2\x80\x94 %s\n",
                   detail ? " of \"" : "", detail ? detail : "",
                   detail ? "\"" : "", domain, (int)bh_task_tgid((pid_t)n->pid),
                   (int)n->pid, why);
    if (k > (int)sizeof line)
      k = sizeof line;
    /* -1: domain_of's stop ended n's wait */
    bh_supervisor_say((pid_t)n->pid, -1, 0, line, (size_t)k);
    pid_t tgid = bh_task_tgid((pid_t)n->pid);
    if (tgid > 0)
      kill(tgid, SIGKILL);
  }
  bh_notif_respond(listener, n->id, 0, EPERM, 0);
}

void bh_supervisor_deny(int listener, const struct seccomp_notif *n, int ours,
                        int reason, const char *detail) {
  deny(listener, n, ours, detail, bh_reason_text(reason));
}

/* ------------------------------------------------- the runtime's requests */

static int yes(pid_t p, void *unused) {
  (void)p, (void)unused;
  return 1;
}

/* Whether another process shares the memory of process tgid (a vfork
 * child's parent, a clone(CLONE_VM) one the filter let through): then its
 * one thread is not the only one using the stacks it would take over
 * (found in review). Not only its parent: a clone(CLONE_VM) grandchild's
 * parent may have ended or run another program meanwhile (review 8,
 * attacks-review8-adopt-grandchild.c). A parent of ours that cannot be
 * compared counts as sharing; other processes that cannot be are not
 * ours. */
int bh_shares_memory(pid_t tgid, pid_t tid) {
  long ppid = status_field(tgid, "PPid");
  if (ppid > 0 && bh_supervisor_is_ours((pid_t)ppid) &&
      bh_tgid_shares_memory_of((pid_t)ppid, tid) != 0)
    return 1;
  return bh_each_sharer(tgid, tid, yes, NULL) != 0; /* unreadable: yes */
}

/* One more claim of the stack whose number is at `at` in the caller's
 * memory (bh_owner_table); nonzero if it could not be counted. */
static int count_claim(int fd, off_t at) {
  uint64_t n;
  if (pread(fd, &n, sizeof n, at) != (ssize_t)sizeof n)
    return -1;
  n++;
  return pwrite(fd, &n, sizeof n, at) != (ssize_t)sizeof n;
}

/* Whether the caller has frames live on stack i of compartment c: its
 * mark (abi.h, the word the compartment's trampolines move below each
 * live frame, on its key) is neither the fresh top nor never written.
 * Released so, the stack's next thread would start at its fresh top, over
 * those frames (review 60, attacks-rev60b-release-live-stack.c). The
 * descriptor and the table it is found in are read-only. Unreadable:
 * live. */
static int frames_live(int fd, int c, int i) {
  uintptr_t d, lo, mark;
  if (pread(fd, &d, sizeof d,
            (off_t)(uintptr_t)&bh_domain_table.t.domain[c]) != sizeof d ||
      pread(fd, &lo, sizeof lo, (off_t)(d + BH_DOMAIN_STACK_LO)) !=
          sizeof lo)
    return 1;
  uintptr_t top = lo + (uintptr_t)(i + 1) * BH_STACK_SIZE;
  if (pread(fd, &mark, sizeof mark, (off_t)(top - BH_STACK_MARK_BELOW)) !=
      sizeof mark)
    return 1;
  return mark && mark != top - BH_STACK_HEADER;
}

static int owner_request(int listener, const struct seccomp_notif *n) {
  int op = (int)n->data.args[1], c = (int)n->data.args[2],
      i = (int)n->data.args[3];
  uint32_t tid = (uint32_t)n->pid;
  pid_t tgid = bh_task_tgid((pid_t)n->pid);
  if (c < 0 || c >= BH_MAX_COMPARTMENTS || i < 0 || i >= BH_STACKS_PER_ARENA ||
      tgid <= 0)
    return EINVAL;
  /* The caller's own memory file: /proc/<tgid> is the leader's, which
   * has none once it ended with pthread_exit (review 6). */
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/task/%d/mem", (int)tgid, (int)tid);
  int fd = open(path, O_RDWR | O_CLOEXEC);
  if (fd < 0)
    return EACCES;
  /* The open pinned the address space; the task must still be the one
   * that asked (not a recycled id). */
  uint64_t id = n->id;
  if (ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &id)) {
    close(fd);
    return ESRCH;
  }
  /* The compartments its table counts: the supervisor's own after
   * start-up, and those it published since (supervisor-publish.c). The
   * table's page is read-only and protected since start-up, and only the
   * supervisor writes it. */
  uint64_t count;
  if (pread(fd, &count, sizeof count,
            (off_t)(uintptr_t)&bh_domain_table.t.count) != sizeof count ||
      count > BH_MAX_COMPARTMENTS || (uint64_t)c >= count) {
    close(fd);
    return EINVAL;
  }
  int err = 0;
  if (op == BH_OWNER_ADOPT) {
    /* After fork the one thread takes over what the parent's threads
     * held; with more threads alive that would share their stacks. */
    if (status_field(tgid, "Threads") != 1 ||
        bh_shares_memory(tgid, (pid_t)tid)) {
      close(fd);
      return EPERM;
    }
    /* A compartment's row at a time: no other thread of the process can
     * change it meanwhile (one thread; the supervisor makes every claim).
     * Each stack taken over is a new claim: its number first. */
    for (int cc = 0; cc < (int)count && cc < BH_MAX_COMPARTMENTS && !err;
         cc++) {
      uint32_t row[BH_STACKS_PER_ARENA];
      uint64_t claims[BH_STACKS_PER_ARENA];
      off_t at = (off_t)(uintptr_t)bh_owners.tid[cc],
            claims_at = (off_t)(uintptr_t)bh_owners.claim[cc];
      int changed = 0;
      if (pread(fd, row, sizeof row, at) != (ssize_t)sizeof row ||
          pread(fd, claims, sizeof claims, claims_at) !=
              (ssize_t)sizeof claims) {
        err = EIO;
        break;
      }
      for (int ii = 0; ii < BH_STACKS_PER_ARENA; ii++)
        if (row[ii])
          row[ii] = tid, claims[ii]++, changed = 1;
      if (changed && (pwrite(fd, claims, sizeof claims, claims_at) !=
                          (ssize_t)sizeof claims ||
                      pwrite(fd, row, sizeof row, at) != (ssize_t)sizeof row))
        err = EIO;
    }
  } else {
    uint32_t cur, want = op == BH_OWNER_CLAIM ? 0 : tid,
                  to = op == BH_OWNER_CLAIM ? tid : 0;
    off_t at = (off_t)(uintptr_t)&bh_owners.tid[c][i],
          n_at = (off_t)(uintptr_t)&bh_owners.claim[c][i];
    if (op != BH_OWNER_CLAIM && op != BH_OWNER_RELEASE)
      err = EINVAL;
    else if (pread(fd, &cur, 4, at) != 4)
      err = EIO;
    else if (op == BH_OWNER_CLAIM && cur == tid)
      err = 0; /* the caller's: its claim made twice (a ptrace stop ended
                * the wait after the write). Decided here, by the thread id
                * the kernel reports: the runtime's own copy of its id may
                * be on a key-0 stack by then (review 60,
                * attacks-rev60a-claim-busy-spill.c) */
    else if (cur != want)
      err = op == BH_OWNER_CLAIM ? EBUSY : EPERM;
    else if (op == BH_OWNER_RELEASE && frames_live(fd, c, i))
      err = EBUSY;
    else if (op == BH_OWNER_CLAIM && count_claim(fd, n_at))
      err = EIO; /* a new claim: its number first */
    else if (pwrite(fd, &to, 4, at) != 4)
      err = EIO;
  }
  close(fd);
  return err;
}

/* ------------------------------------------------------------ decisions */

static int reason_of(const struct seccomp_notif *n) {
  unsigned long prot = n->data.args[2], flags = n->data.args[3];
  switch (n->data.nr) {
  case SYS_pkey_alloc:
  case SYS_pkey_free:
  case SYS_pkey_mprotect:
    return BH_R_PKEY;
  case SYS_personality:
    return BH_R_PERSONALITY;
  case SYS_perf_event_open:
  case SYS_bpf:
  case SYS_init_module:
  case SYS_finit_module:
  case SYS_kexec_load:
  case SYS_kexec_file_load:
    return BH_R_KERNEL;
  case SYS_prctl:
    if ((int)n->data.args[0] == PR_SET_SECCOMP)
      return BH_R_SECCOMP;
    return n->data.args[0] == PR_SET_DUMPABLE ? BH_R_DUMPABLE : BH_R_PTRACER;
  case SYS_seccomp:
    return BH_R_SECCOMP;
  case SYS_shmat:
    return n->data.args[2] & 0100000 /* SHM_EXEC */ ? BH_R_EXEC : BH_R_SHM;
  case SYS_unshare:
  case SYS_setns:
  case SYS_mount:
  case SYS_umount2:
  case SYS_pivot_root:
  case SYS_open_tree:
  case SYS_move_mount:
  case SYS_fsopen:
  case SYS_fsconfig:
  case SYS_fsmount:
  case SYS_fspick:
  case SYS_mount_setattr:
    return BH_R_NAMESPACE;
  case SYS_clone:
    if (n->data.args[0] & BH_CLONE_NEW_ANY)
      return BH_R_NAMESPACE;
    if (n->data.args[0] & CLONE_FILES && !(n->data.args[0] & CLONE_THREAD))
      return BH_R_SHARED_FILES;
    return n->data.args[0] & CLONE_PARENT && n->data.args[0] & CLONE_VM
               ? BH_R_SHARED_VM
               : BH_R_TID_WORD;
  case SYS_set_tid_address:
    return BH_R_TID_WORD;
  case SYS_mprotect:
    return prot & PROT_EXEC ? BH_R_EXEC : BH_R_PROTECTED;
  case SYS_mmap:
    return prot & PROT_EXEC && (prot & PROT_WRITE || flags & MAP_ANONYMOUS)
               ? BH_R_EXEC
               : BH_R_PROTECTED;
  default:
    return BH_R_PROTECTED;
  }
}

static int is_mount(long nr) {
  return nr == SYS_mount || nr == SYS_umount2 || nr == SYS_pivot_root ||
         nr == SYS_open_tree || nr == SYS_move_mount || nr == SYS_fsopen ||
         nr == SYS_fsconfig || nr == SYS_fsmount || nr == SYS_fspick ||
         nr == SYS_mount_setattr;
}

static int overlaps_protected(uint64_t lo, uint64_t len) {
  for (unsigned i = 0; i < bh_policy->n; i++)
    if (lo < bh_policy->r[i].hi && lo + len > bh_policy->r[i].lo)
      return 1;
  return 0;
}

int bh_executable_at(pid_t tid, uint64_t addr) {
  char path[64], line[512];
  snprintf(path, sizeof path, "/proc/%d/maps", (int)tid);
  FILE *f = fopen(path, "re");
  if (!f)
    return 1;
  int x = 0;
  while (bh_read_line(line, sizeof line, f)) {
    unsigned long long lo, hi;
    char perms[8];
    if (sscanf(line, "%llx-%llx %7s", &lo, &hi, perms) == 3 && addr >= lo &&
        addr < hi) {
      x = perms[2] == 'x';
      break;
    }
  }
  fclose(f);
  return x;
}

/* The file mapped at addr in task tid (its path in /proc/<tid>/maps), into
 * buf; NULL if none: a refusal names what it was about. */
static const char *mapped_file(pid_t tid, uint64_t addr, char *buf,
                               size_t cap) {
  char path[64], line[512];
  snprintf(path, sizeof path, "/proc/%d/maps", (int)tid);
  FILE *f = fopen(path, "re");
  const char *found = NULL;
  while (f && bh_read_line(line, sizeof line, f)) {
    unsigned long long lo, hi;
    int at = 0;
    if (sscanf(line, "%llx-%llx %*s %*s %*s %*s %n", &lo, &hi, &at) >= 2 &&
        at && addr >= lo && addr < hi) {
      line[strcspn(line, "\n")] = 0;
      if (line[at] == '/') {
        snprintf(buf, cap, "%s", line + at);
        found = buf;
      }
      break;
    }
  }
  if (f)
    fclose(f);
  return found;
}

/* mremap reaches the supervisor for protected memory, for growth and for
 * moves: growth of an executable mapping maps file bytes nobody scanned,
 * a move puts its code beside other code. The supervisor
 * scans executable mappings with the process's threads stopped, a thread
 * in mremap included, so the mapping cannot become executable between
 * this look and the call. */
static uint64_t page_up(uint64_t n) {
  return (n + BH_PAGE - 1) & ~(uint64_t)(BH_PAGE - 1);
}

static void handle_mremap(int listener, const struct seccomp_notif *n) {
  uint64_t a = n->data.args[0], old = n->data.args[1], len = n->data.args[2];
  int fixed = n->data.args[3] & 2 /* MREMAP_FIXED */;
  int ours = bh_supervisor_is_ours((pid_t)n->pid);
  /* [a, a + len) beyond the old range is not judged: the kernel grows a
   * mapping in place only over free addresses (else it moves it, or
   * fails), so growth never touches another mapping. */
  if (ours && (overlaps_protected(a, old) ||
               (fixed && overlaps_protected(n->data.args[4], len))))
    bh_supervisor_deny(listener, n, 1, BH_R_PROTECTED, NULL);
  /* Compared as the kernel does, in whole pages: an old length near 2^64
   * rounds to 0, a copy (review 3, attacks-review3-mremap-dup.c). */
  else if (ours && page_up(len) > page_up(old) &&
           bh_executable_at((pid_t)n->pid, a))
    bh_supervisor_deny(listener, n, 1, BH_R_EXEC, NULL);
  /* A move would put the code beside other code nobody judged it with: a
   * WRPKRU split over two mappings (review 3). Nothing needs to move
   * code; other moves go on. */
  else if (ours && n->data.args[3] & 1 /* MREMAP_MAYMOVE */ &&
           bh_executable_at((pid_t)n->pid, a))
    bh_supervisor_deny(listener, n, 1, BH_R_EXEC, NULL);
  else
    bh_notif_respond(listener, n->id, 0, 0, 1);
}

/* mmap reaches the supervisor for protected memory (MAP_FIXED) or for
 * PROT_EXEC: refused if writable or anonymous, else scanned. */
static void handle_mmap(int listener, const struct seccomp_notif *n) {
  unsigned long prot = n->data.args[2], flags = n->data.args[3];
  int ours = bh_supervisor_is_ours((pid_t)n->pid);
  if (!ours)
    bh_notif_respond(listener, n->id, 0, 0, 1);
  else if ((flags & (MAP_FIXED | 0x100000 /* MAP_FIXED_NOREPLACE */) &&
            overlaps_protected(n->data.args[0], n->data.args[1])) ||
           !(prot & PROT_EXEC) || prot & PROT_WRITE || flags & MAP_ANONYMOUS)
    bh_supervisor_deny(listener, n, 1, reason_of(n), NULL);
  else
    bh_supervise_exec(listener, n);
}

void bh_supervisor_handle(int listener, struct seccomp_notif *n) {
  switch (n->data.nr) {
  case SYS_mremap:
    handle_mremap(listener, n);
    return;
  case SYS_mmap:
    handle_mmap(listener, n);
    return;
  case SYS_open:
  case SYS_openat:
  case SYS_openat2:
  case SYS_creat:
    bh_supervise_open(listener, n, 1);
    return;
  case SYS_pidfd_send_signal:
    bh_supervise_signal(listener, n);
    return;
  case SYS_kill:
  case SYS_tkill:
  case SYS_rt_sigqueueinfo:
    bh_supervise_kill(listener, n);
    return;
  case SYS_fcntl:
    bh_supervise_owner(listener, n);
    return;
  case SYS_truncate:
  case SYS_ftruncate:
  case SYS_fallocate:
    bh_supervise_truncate(listener, n);
    return;
  case SYS_ioctl:
    if ((unsigned)n->data.args[1] == 0x8901 /* FIOSETOWN */ ||
        (unsigned)n->data.args[1] == 0x8902 /* SIOCSPGRP */) {
      bh_supervise_owner(listener, n);
      return;
    }
    if (!bh_supervisor_is_ours((pid_t)n->pid)) {
      bh_notif_respond(listener, n->id, 0, 0, 1); /* EBADF, from the kernel */
      return;
    }
    if (n->data.args[1] == BH_KEY_GIVE || n->data.args[1] == BH_KEY_DONE) {
      bh_supervise_key_request(listener, n);
      return;
    }
    if (n->data.args[1] == BH_FILTER_WRITE ||
        n->data.args[1] == BH_FILTER_CHECK) {
      bh_supervise_filter_request(listener, n);
      return;
    }
    if (n->data.args[1] == BH_UNWIND_WORDS) {
      bh_supervise_unwind_request(listener, n);
      return;
    }
    {
      int err = owner_request(listener, n);
      bh_notif_respond(listener, n->id, 0, err, 0);
    }
    return;
  case SYS_brk:
    /* A move of our process's break fails (review 46): answered 0, which
     * glibc's brk takes for a failure (a break below the one asked for;
     * malloc then maps instead). An error would not do: -ENOMEM is a
     * break far above any asked for, which glibc takes for success. */
    bh_notif_respond(listener, n->id, 0, 0,
                     !bh_supervisor_is_ours((pid_t)n->pid));
    return;
  case SYS_pkey_mprotect:
    if (bh_supervisor_is_ours((pid_t)n->pid))
      bh_supervise_pkey_mprotect(listener, n);
    else
      bh_notif_respond(listener, n->id, 0, 0, 1);
    return;
  case SYS_mprotect:
    /* a given key's arena or heap region keeps the key; a registered
     * object's code becomes executable, once, if its PKRU writes pass */
    if (bh_supervisor_is_ours((pid_t)n->pid) && !bh_keys_allow_mprotect(n) &&
        !bh_code_allow_mprotect(n)) {
      char file[256];
      const char *gates = bh_code_refusal();
      deny(listener, n, 1,
           mapped_file((pid_t)n->pid, n->data.args[0], file, sizeof file),
           gates ? gates : bh_reason_text(reason_of(n)));
    } else
      bh_notif_respond(listener, n->id, 0, 0, 1);
    return;
  default:
    if (bh_supervisor_is_ours((pid_t)n->pid))
      bh_supervisor_deny(listener, n, 1, reason_of(n), NULL);
    else if ((n->data.nr == SYS_prctl &&
              (int)n->data.args[0] == PR_SET_DUMPABLE) ||
             reason_of(n) == BH_R_KERNEL || is_mount(n->data.nr))
      /* Not ours either: a supervisor without CAP_SYS_PTRACE could not
       * read its calls then, and its opens would go on unjudged (review
       * 34, attacks-rev34-nondumpable-caller-mem.c). Refused, not fatal:
       * programs ask it to keep secrets out of dumps. Nor performance
       * events, BPF, modules or kexec: each reads or runs anything,
       * another process's compartments included (review 36). Nor mounts:
       * the supervisor reads its callers and judges their files through
       * /proc and names in its own mount namespace, which a mount there
       * would change (review 37, attacks-rev37-fake-proc.c). */
      bh_notif_respond(listener, n->id, 0, EPERM, 0);
    else
      bh_notif_respond(listener, n->id, 0, 0, 1);
  }
}

static int receive_fd(int sock) {
  char data;
  struct iovec io = {&data, 1};
  union {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } u;
  struct msghdr m = {.msg_iov = &io,
                     .msg_iovlen = 1,
                     .msg_control = u.buf,
                     .msg_controllen = sizeof u.buf};
  if (recvmsg(sock, &m, MSG_CMSG_CLOEXEC) != 1)
    return -1;
  struct cmsghdr *c = CMSG_FIRSTHDR(&m);
  if (!c || c->cmsg_type != SCM_RIGHTS)
    return -1;
  int fd;
  memcpy(&fd, CMSG_DATA(c), sizeof fd);
  return fd;
}

static __attribute__((noreturn)) void supervise(int sock) {
  /* In a session and process group of its own (bh_supervisor_start): no
   * terminal signal or kill of the program's group reaches it; it
   * ignores the rest it could be sent by accident. */
  static const int quiet[] = {SIGINT,  SIGQUIT, SIGTSTP, SIGTTIN,
                              SIGTTOU, SIGHUP,  SIGPIPE, SIGUSR1,
                              SIGUSR2, SIGALRM, SIGTERM, SIGXFSZ};
  for (unsigned i = 0; i < sizeof quiet / sizeof *quiet; i++)
    signal(quiet[i], SIG_IGN);
  /* Only what it needs stays open: a pipe's writing end held here would
   * keep the program's reader from ever seeing the end (its own standard
   * streams too: it writes through the caller's, bh_supervisor_say). */
  if (sock > 3)
    syscall(SYS_close_range, 3, (unsigned)sock - 1, 0);
  syscall(SYS_close_range, (unsigned)sock + 1, ~0u, 0);
  int null = open("/dev/null", O_RDWR | O_CLOEXEC);
  for (int fd = 0; fd < 3 && null >= 0; fd++)
    if (fd != sock)
      dup2(null, fd);
  if (null > 2)
    close(null);
  bh_names_take();
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0); /* it holds a copy of the secrets */
  umask(0); /* opens apply the caller's umask themselves */
  int listener = receive_fd(sock);
  if (listener < 0 || write(sock, "k", 1) != 1)
    _exit(1);
  close(sock);
  for (;;) {
    /* Threads the exec scan stopped while they slept: let go later. */
    struct pollfd p = {listener, POLLIN, 0};
    bh_exec_reap();
    reap_killed_lines();
    if (poll(&p, 1, bh_exec_pending() ? 20 : -1) < 0) {
      if (errno == EINTR)
        continue;
      _exit(1);
    }
    if (!(p.revents & POLLIN) && (p.revents & (POLLHUP | POLLERR | POLLNVAL)))
      _exit(0); /* no task uses the filter any more */
    if (!(p.revents & POLLIN))
      continue;
    struct seccomp_notif n;
    memset(&n, 0, sizeof n);
    if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &n))
      continue; /* the task went away */
    bh_supervisor_handle(listener, &n);
  }
}

/* Two forks, so the supervisor is no child of the program: its wait()
 * and SIGCHLD stay the program's own. The middle process makes a session
 * of its own (it leads no group, so setsid works): in the program's
 * session, TIOCSPGRP on the program's terminal made the supervisor's
 * group the foreground one, whose O_ASYNC then signalled it, and setpgid
 * joined its group for kill(0) (attacks-supervisor-tty-foreground.c,
 * attacks-rev44-supervisor-pgrp-kill.c); the kernel refuses both across
 * sessions. The supervisor is a member of that session, not its leader:
 * a leader without a terminal would take the first one it opens for the
 * program as its own. It leads a group of its own there, so its group is
 * its pid, as the filter expects. The middle process passes its pid back
 * (or the step that failed, and errno) and exits. */
pid_t bh_supervisor_start(int mine, int theirs, const char **failed) {
  static const char *const steps[] = {"fork", "setsid", "setpgid"};
  *failed = steps[0];
  pid_t mid = _Fork();
  if (mid < 0)
    return -1;
  if (mid == 0) {
    close(mine);
    int r[3] = {0, 0, 0}; /* the supervisor's pid, the failed step, errno */
    if (setsid() < 0)
      r[1] = 1, r[2] = errno;
    else if ((r[0] = _Fork()) == 0)
      supervise(theirs);
    else if (r[0] < 0)
      r[2] = errno;
    else if (setpgid(r[0], r[0])) {
      r[1] = 2, r[2] = errno;
      kill(r[0], SIGKILL);
    }
    _exit(write(theirs, r, sizeof r) == sizeof r ? 0 : 1);
  }
  int status, r[3];
  while (waitpid(mid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) ||
      read(mine, r, sizeof r) != sizeof r)
    return -1;
  if (r[1] || r[0] <= 0) {
    *failed = steps[r[1] == 1 || r[1] == 2 ? r[1] : 0];
    errno = r[2];
    return -1;
  }
  return r[0];
}
