/*
 * supervisor-exec.c - new executable code from files: an mmap with
 * PROT_EXEC of a file by our process after start-up (what ld.so does for
 * dlopen) is scanned by the supervisor before the kernel maps it
 * (docs/hardening.md, "Executable file mappings").
 *
 * The filter sends every mmap with PROT_EXEC to the supervisor
 * (supervisor.c refuses the anonymous and writable ones itself). The
 * check-then-use problems, and what is done about them:
 *   - the descriptor the call names can be replaced (dup2) between the
 *     supervisor's look and the kernel's mmap: every other thread of the
 *     process is stopped (ptrace) before the supervisor takes the file,
 *     then the caller (which ends its wait: the kernel makes the call
 *     again). The caller is let go to its system-call entry only
 *     (PTRACE_SYSCALL), where the call and its file are checked again, its
 *     repeated call is answered CONTINUE, and the others are let go only
 *     after its exit from the call, when the kernel has taken the file.
 *     Other processes cannot change our descriptor table: the filter
 *     refuses clone with CLONE_FILES without CLONE_THREAD.
 *   - a file can change after the look (a write; a truncation, or
 *     MADV_DONTNEED, that drops a private page so the next access reads
 *     the file again), by anyone with a way to write it: not only the
 *     caller's rights now, but a fork or a clone(CLONE_VM) process made
 *     before it dropped them, a descriptor or shared writable mapping it
 *     kept, a writer outside the filter (review 18). So no file is mapped
 *     as it is: a sealed memfd holding its bytes (supervisor-sealed.c) is
 *     judged and put in the caller's slot instead, just before the
 *     repeated call is answered, whoever the caller is; its pages cannot
 *     change. A sealed memfd (F_SEAL_WRITE) the process made is mapped as
 *     it is. The mapping must be private (but of a sealed memfd) and may
 *     not reach a whole page past the file's end (nothing to scan there).
 *     Huge-page files are refused (mapped in whole huge pages, past the
 *     scan), and so are descriptors open for writing and files that are
 *     not regular.
 * Then the bytes the call maps, from its file offset, are searched for
 * WRPKRU, XRSTOR and XRSTORS at every offset (patterns/, the scanner's
 * own search). None is accepted, not even a checked gate: a gate is safe
 * only while its word cannot change, and the word of a file mapped now
 * is the file's (the attacker may have written it, e.g. a sealed memfd)
 * in memory no filter rule protects (review 3). No compartment lives in
 * a shared object yet, and bulkhead-clang writes the gates of a -shared
 * link as traps (tools/dso-gates.c), so no honest library needs one.
 * Nor may a mapping begin or end with bytes that could be part of a
 * pattern with a neighbour (risky_edge): judged here, before the mapping
 * exists, so no process sharing the memory can run two halves joined
 * (review 6); judge_edges still looks at the real neighbours after.
 * Anything found: one line naming the file and the offset, and the
 * process dies.
 */
#define _GNU_SOURCE
#include "syscalls.h"

#include "patterns.h"

#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/kcmp.h>
#include <linux/magic.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef F_GET_SEALS
#define F_GET_SEALS 1034
#define F_SEAL_WRITE 0x0008
#endif

/* ------------------------------------------------ stopping the process */

#define MAX_THREADS 1024

struct frozen {
  pid_t tid[MAX_THREADS];
  int sig[MAX_THREADS]; /* a signal its stop took, to give back */
  char stopped[MAX_THREADS];
  int n;
};

/* Threads seized while asleep in the kernel, whose stop comes later: the
 * supervisor's loop lets them go when it does (bh_exec_reap). */
static pid_t pending[MAX_THREADS];
static int npending;

static long now_us(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1000000L + t.tv_nsec / 1000;
}

/* Whether thread tid sleeps in the kernel in a call that cannot change a
 * descriptor or a mapping before it sleeps: then it stops (its stop is
 * asked for) before it runs an instruction of its own again. A thread in
 * posix_spawn's vfork waits for a child that may need the supervisor. */
static int asleep_harmlessly(pid_t tgid, pid_t tid) {
  char state = bh_thread_state(tgid, tid);
  if (state != 'S' && state != 'D')
    return 0;
  struct bh_syscall c;
  if (bh_read_syscall(tid, &c))
    return 0; /* "running" */
  switch (c.nr) {
  case SYS_dup2:
  case SYS_dup3:
  case SYS_close:
  case SYS_close_range:
  case SYS_fcntl:
  case SYS_mmap:
  case SYS_mremap:
  case SYS_munmap:
  case SYS_seccomp: /* it may install a filter from a page read before */
    return 0;
  default:
    return 1;
  }
}

/* Waits for the stop of seized thread i: 0 stopped or gone, 1 asleep
 * harmlessly, -1 neither within two seconds. */
static int wait_stop(struct frozen *f, int i, pid_t tgid) {
  long start = now_us();
  for (;;) {
    int st;
    pid_t r = waitpid(f->tid[i], &st, WNOHANG | __WALL);
    if (r == f->tid[i] && WIFSTOPPED(st)) {
      f->stopped[i] = 1;
      if (!(WSTOPSIG(st) == SIGTRAP && (st >> 16) == PTRACE_EVENT_STOP))
        f->sig[i] = WSTOPSIG(st);
      return 0;
    }
    if ((r == f->tid[i] && !WIFSTOPPED(st)) || (r < 0 && errno == ECHILD))
      return 0; /* it ended */
    long waited = now_us() - start;
    if (waited > 20000 && asleep_harmlessly(tgid, f->tid[i]))
      return 1;
    if (waited > 2000000)
      return -1;
    usleep(waited < 1000 ? 20 : 200);
  }
}

static int frozen_has(const struct frozen *f, pid_t tid) {
  for (int i = 0; i < f->n; i++)
    if (f->tid[i] == tid)
      return 1;
  return 0;
}

/* Lets thread tid go: now if it is stopped, else when it stops (or, if it
 * was killed, once its end is collected: until the tracer has seen it, its
 * parent cannot). */
static void release(pid_t tid, int stopped, int sig) {
  if ((!stopped || ptrace(PTRACE_DETACH, tid, 0, (void *)(long)sig)) &&
      npending < MAX_THREADS)
    pending[npending++] = tid;
}

/* Lets every thread of f go. */
static void thaw(struct frozen *f) {
  for (int i = 0; i < f->n; i++)
    release(f->tid[i], f->stopped[i], f->sig[i]);
  f->n = 0;
}

/* PTRACE_SEIZE of tid: 0, or -1 and errno. A thread a PKRU learner holds
 * (supervisor-open.c) is let go first. Under load that took longer than
 * the learner's wait, or another learner had it again before the seize
 * (its open comes again at once), and an honest process was killed 3
 * times in 30 (hardening/attacks-rev21-learner-freeze-kill.c): so it is
 * asked again, for a while. A thread that has ended cannot be seized
 * either (freeze passes it over), which costs 20 ms here. */
static int seize_from_learners(pid_t tid) {
  /* Still ours from an earlier freeze (release: it slept harmlessly, in
   * vfork's wait say, and has not stopped since): already seized, and
   * its stop already asked for; taken back from pending, not refused. */
  for (int i = 0; i < npending; i++)
    if (pending[i] == tid) {
      pending[i] = pending[--npending];
      return 0;
    }
  for (int tries = 0; tries < 20; tries++) {
    if (!ptrace(PTRACE_SEIZE, tid, 0, 0))
      return 0;
    if (errno != EPERM)
      return -1;
    bh_learner_let_go(tid);
    usleep(1000);
  }
  errno = EPERM;
  return -1;
}

/* Stops every thread of process tgid but the caller; until no new one
 * appears (a thread about to be stopped may have made one). A thread
 * that has ended (a zombie: a leader that called pthread_exit waits so
 * for the others) runs no code, and cannot be seized (EPERM): passed
 * over. 0, or -1 with why (if not NULL) saying what stopped it. */
static int freeze(struct frozen *f, pid_t tgid, pid_t caller, char *why,
                  size_t size) {
  char path[64], sink[8];
  if (!why)
    why = sink, size = sizeof sink;
  snprintf(why, size, "the supervisor cannot list the process's threads");
  snprintf(path, sizeof path, "/proc/%d/task", (int)tgid);
  for (int round = 0; round < 64; round++) {
    DIR *d = opendir(path);
    if (!d)
      return -1;
    int added = 0, from = f->n;
    struct dirent *e;
    while ((e = readdir(d))) {
      pid_t tid = (pid_t)atoi(e->d_name);
      if (tid <= 0 || tid == caller || frozen_has(f, tid))
        continue;
      if (f->n >= MAX_THREADS) {
        closedir(d);
        snprintf(why, size, "the process has more than %d threads",
                 MAX_THREADS);
        return -1;
      }
      if (seize_from_learners(tid)) {
        int err = errno;
        char state = bh_thread_state(tgid, tid);
        if (err == ESRCH || state == 'Z' || state == 'X')
          continue; /* it ended */
        closedir(d);
        snprintf(why, size, "the supervisor cannot stop thread %d (%s)",
                 (int)tid, strerror(err));
        return -1;
      }
      f->tid[f->n] = tid, f->sig[f->n] = 0, f->stopped[f->n] = 0;
      f->n++;
      ptrace(PTRACE_INTERRUPT, tid, 0, 0);
      added = 1;
    }
    closedir(d);
    for (int i = from; i < f->n; i++)
      if (wait_stop(f, i, tgid) < 0) {
        snprintf(why, size,
                 "thread %d neither stops nor sleeps harmlessly within 2 s",
                 (int)f->tid[i]);
        return -1;
      }
    if (!added)
      return 0;
  }
  snprintf(why, size, "new threads kept appearing");
  return -1;
}

/* For the object filters (supervisor-filter.c): one process at a time. */
static struct frozen held;
int bh_freeze_process(pid_t tgid, pid_t caller) {
  held.n = 0;
  if (freeze(&held, tgid, caller, NULL, 0)) {
    thaw(&held);
    return -1;
  }
  return 0;
}
void bh_thaw_process(void) { thaw(&held); }

void bh_exec_reap(void) {
  for (int i = 0; i < npending;) {
    int st;
    pid_t r = waitpid(pending[i], &st, WNOHANG | __WALL);
    if (r == 0) {
      i++;
      continue;
    }
    if (r == pending[i] && WIFSTOPPED(st)) {
      int sig = WSTOPSIG(st) == SIGTRAP && (st >> 16) == PTRACE_EVENT_STOP
                    ? 0
                    : WSTOPSIG(st);
      if (ptrace(PTRACE_DETACH, pending[i], 0, (void *)(long)sig)) {
        i++; /* killed meanwhile: its end comes next */
        continue;
      }
    }
    pending[i] =
        pending[--npending]; /* let go, ended, or not ours to wait for */
  }
}

int bh_exec_pending(void) { return npending; }

/* ------------------------------------------------------ the file's bytes */

struct hits {
  uint64_t file_off; /* of the bytes searched */
  uint64_t bad;      /* file offset of the first pattern */
  int kind;
};

/* Every pattern is refused, a listed gate's too (see above). */
static int hit(void *ctx, size_t at, int kind) {
  struct hits *h = ctx;
  h->bad = h->file_off + at;
  h->kind = kind;
  return 1;
}

/* ------------------------------------------------------------- decision */


static int kill_one(pid_t p, void *unused) {
  (void)unused;
  kill(p, SIGKILL);
  return 0;
}

/* Kills process tgid and, first, every process that shares its memory
 * (clone(CLONE_VM) without CLONE_THREAD, vfork): the mapping the kill
 * answers stays in that memory, and such a process, never stopped, would
 * run it after tgid's end (review 5, attacks-review5-clone-vm-split.c).
 * Each is compared while tgid's memory still exists. */
static void kill_with_sharers(pid_t tgid, pid_t tid) {
  bh_each_sharer(tgid, tid, kill_one, NULL);
  kill(tgid, SIGKILL);
}

/* Whether a pattern could begin 1 or 2 bytes before HEAD, or begin in
 * TAIL and end past it: then the bytes would make one with some neighbour.
 * The patterns are 3 bytes (patterns.h); every completion is tried, so no
 * pattern byte is spelt out here. NULL, or which end. */
static const char *risky_edge(const uint8_t head[2], const uint8_t tail[2]) {
  for (unsigned x = 0; x < 256; x++) {
    uint8_t a[3] = {(uint8_t)x, head[0], head[1]},
            c[3] = {tail[0], tail[1], (uint8_t)x};
    if (bh_pattern_at(a) >= 0)
      return "first bytes";
    if (bh_pattern_at(c) >= 0)
      return "last bytes";
    for (unsigned y = 0; y < 256; y++) {
      uint8_t p[3] = {(uint8_t)x, (uint8_t)y, head[0]},
              q[3] = {tail[1], (uint8_t)x, (uint8_t)y};
      if (bh_pattern_at(p) >= 0)
        return "first byte";
      if (bh_pattern_at(q) >= 0)
        return "last byte";
    }
  }
  return NULL;
}

static const char not_regular[] =
    "it is not a regular file; executable mappings are made only of regular "
    "files, as sealed copies";
static const char open_for_writing[] =
    "the descriptor is open for writing; executable mappings are made only "
    "through read-only descriptors";

/* What the scan says of the call: NULL (map it), or why not, in why. fl:
 * the status flags of the caller's descriptor (fd may be a new open of
 * its file). A file that is not a sealed memfd is not scanned: *copy is
 * set (copy must not be NULL), and the sealed copy made of it is judged
 * instead. */
static const char *judge(int fd, int fl, const struct seccomp_notif *n,
                         char *why, size_t size, int *copy) {
  uint64_t off = n->data.args[5], len = n->data.args[1];
  /* The kernel maps whole pages: so much becomes executable, whatever the
   * length says (review: a length of 1 mapped libc's pkey_set page). */
  if (len > UINT64_MAX - (BH_PAGE - 1))
    return snprintf(why, size, "its length is out of range"), why;
  len = (len + BH_PAGE - 1) & ~(uint64_t)(BH_PAGE - 1);
  struct stat st;
  if (fstat(fd, &st))
    return snprintf(why, size, "the file cannot be examined"), why;
  /* The kernel maps a huge-page file in whole huge pages, past what the
   * call names and this scan would read (review 5,
   * attacks-review5-hugetlb-len.c). */
  struct statfs fs;
  if (fstatfs(fd, &fs) || fs.f_type == HUGETLBFS_MAGIC)
    return snprintf(why, size,
                    "it is a huge-page file (or its file system cannot be "
                    "told): the kernel would map more of it than was scanned"),
           why;
  /* Shared: only of a sealed memfd (nothing honest maps a file's code
   * shared, and the copy would not share the file's writes). Pages wholly
   * past the end have no bytes to scan, and a file that may grow would
   * show its growth there. */
  int seals = fcntl(fd, F_GET_SEALS);
  int sealed = seals >= 0 && seals & F_SEAL_WRITE;
  if (!sealed && (n->data.args[3] & MAP_TYPE) != MAP_PRIVATE)
    return snprintf(why, size,
                    "it is a shared mapping, which shows later writes to the "
                    "file; executable file mappings must be private (but of a "
                    "sealed memfd)"),
           why;
  uint64_t in_file =
      off < (uint64_t)st.st_size
          ? ((uint64_t)st.st_size - off + BH_PAGE - 1) & ~(uint64_t)(BH_PAGE - 1)
          : 0;
  if (len > in_file)
    return snprintf(why, size,
                    "it reaches a whole page past the file's end, where the "
                    "file's later growth would show; executable file mappings "
                    "must end in the file"),
           why;
  /* Any file but a sealed memfd may change after the look, through
   * rights the caller need not hold now: a fork or a process sharing its
   * memory made before it dropped them, a descriptor or shared mapping it
   * kept, a writer outside the filter (review 18). So every such file is
   * mapped as a sealed copy, whoever asks: no look at who could write. */
  if (!sealed) {
    if (!S_ISREG(st.st_mode))
      return snprintf(why, size, "%s", not_regular), why;
    if (fl < 0 || (fl & O_ACCMODE) != O_RDONLY)
      return snprintf(why, size, "%s", open_for_writing), why;
    if (!copy)
      return snprintf(why, size, "the supervisor's copy is not sealed"), why;
    *copy = 1;
    return NULL;
  }
  if (!len)
    return NULL; /* nothing would be mapped (the kernel refuses it) */
  size_t have =
      (size_t)((uint64_t)st.st_size - off < len ? (uint64_t)st.st_size - off
                                                : len);
  void *b = mmap(NULL, have, PROT_READ, MAP_PRIVATE, fd, (off_t)off);
  if (b == MAP_FAILED)
    return snprintf(why, size, "its bytes cannot be read for the scan (%s)",
                    strerror(errno)),
           why;
  struct hits h = {off, 0, 0};
  int bad = bh_pattern_search(b, have, hit, &h);
  /* Past the file's end the last page reads as zeros; pages wholly past it
   * fault, so its last bytes are then the edge (taken whole, to be safe). */
  const uint8_t *m = b;
  uint8_t head[2] = {m[0], have > 1 ? m[1] : 0}, tail[2] = {0, 0};
  if (have == len || have % BH_PAGE == 0)
    tail[0] = have > 1 ? m[have - 2] : 0, tail[1] = m[have - 1];
  munmap(b, have);
  const char *edge = !bad ? risky_edge(head, tail) : NULL;
  /* The start-up opt-out (gadgets.c), read from the environment the
   * program started with (the supervisor's copy). */
  const char *allow = getenv("BULKHEAD_ALLOW_DEP_GADGETS");
  if (edge && !(allow && *allow)) {
    snprintf(why, size,
             "its %s could make a PKRU write (WRPKRU, XRSTOR or XRSTORS) with "
             "an executable mapping beside it; executable mappings may not "
             "begin or end with part of one (a split over two mappings is "
             "judged before the mapping exists: no thread of a process "
             "sharing the memory can run it in between)",
             edge);
    return why;
  }
  if (!bad || (allow && *allow))
    return NULL;
  snprintf(why, size,
           "the file holds %s bytes at offset 0x%llx; after start-up no "
           "executable mapping may hold a PKRU write, not even a checked gate "
           "(its word would be the file's): a code-reuse attack could use "
           "them to open every compartment",
           bh_pattern_name(h.kind), (unsigned long long)h.bad);
  return why;
}

/* listener: -1 where the caller is stopped (bh_supervisor_say). */
static void report(int listener, const struct seccomp_notif *n,
                   const char *file, const char *domain, const char *why) {
  char line[1600];
  int k = snprintf(line, sizeof line, "bulkhead: denied: mmap(");
  for (int i = 0; i < 6 && k < (int)sizeof line; i++)
    k += snprintf(line + k, sizeof line - (size_t)k, "%s0x%llx", i ? ", " : "",
                  (unsigned long long)n->data.args[i]);
  if (k < (int)sizeof line)
    k += snprintf(
        line + k, sizeof line - (size_t)k,
        ") of \"%s\" from %s, in process %d (thread %d) \xe2\x80\x94 %s\n",
        file, domain, (int)bh_task_tgid((pid_t)n->pid), (int)n->pid, why);
  if (k > (int)sizeof line)
    k = sizeof line;
  bh_supervisor_say((pid_t)n->pid, listener, n->id, line, (size_t)k);
}

/* The signal a stop of a traced thread took (to give back), or 0. */
static int stop_signal(int st) {
  int s = WSTOPSIG(st);
  return s == (SIGTRAP | 0x80) ||
                 (s == SIGTRAP && (st >> 16) == PTRACE_EVENT_STOP)
             ? 0
             : s;
}

/* Waits for the stop of the traced caller: its status, or -1 if it ended. */
static int wait_caller(pid_t tid, int *st) {
  for (;;) {
    pid_t r = waitpid(tid, st, __WALL);
    if (r == tid)
      return WIFSTOPPED(*st) ? 0 : -1;
    if (r < 0 && errno != EINTR)
      return -1;
  }
}

static int same_call(const struct user_regs_struct *r,
                     const struct seccomp_notif *n) {
  unsigned long long a[6] = {r->rdi, r->rsi, r->rdx, r->r10, r->r8, r->r9};
  for (int i = 0; i < 6; i++)
    if (a[i] != n->data.args[i])
      return 0;
  return r->orig_rax == SYS_mmap;
}

/* Makes the stopped caller's mmap again and answers it (CONTINUE, or
 * err) when it comes, if it is the same call with the same file (fd: our
 * copy, -1 if the call named none); the caller stops again after it, at
 * the call's exit, and *mapped is where the kernel mapped it (0 if it did
 * not). If sealed is not -1, it takes the file's place in the caller's
 * slot first, so the kernel maps it. Other processes' notifications that
 * come meanwhile are handled as usual. 0 answered, -1 not (the caller did
 * something else first, or ended: its mmap, if it makes it, will be a new
 * notification), -2 refused: the sealed copy could not be put in. */
/* Whether slot `slot` of thread tid's table still holds the file that was
 * scanned: our copy fd of it (the same open file), or, where fi is not
 * NULL, a new open of the file that fi described (the same inode and
 * mount, and the same status flags). */
static int same_slot(pid_t tid, int fd, int slot, const struct bh_fdinfo *fi) {
  if (!fi)
    return syscall(SYS_kcmp, getpid(), tid, KCMP_FILE, fd, slot) == 0;
  struct bh_fdinfo now;
  return !bh_read_fdinfo(tid, slot, &now) && now.ino == fi->ino &&
         now.mnt_id == fi->mnt_id && now.flags == fi->flags;
}

static int replay(int listener, const struct seccomp_notif *n, int fd, int err,
                  const struct bh_fdinfo *fi, int sealed, int *sig,
                  uint64_t *mapped) {
  pid_t tid = (pid_t)n->pid;
  int st;
  struct user_regs_struct r;
  long give = *sig;
  *sig = 0; /* delivered now, if at all */
  if (ptrace(PTRACE_SYSCALL, tid, 0, (void *)give) || wait_caller(tid, &st) ||
      WSTOPSIG(st) != (SIGTRAP | 0x80) || ptrace(PTRACE_GETREGS, tid, 0, &r) ||
      !same_call(&r, n))
    return -1;
  /* A signal handler may have run on the way (a signal-delivery stop):
   * the descriptor must still name the file that was scanned. */
  if (fd >= 0 && !same_slot(tid, fd, (int)n->data.args[4], fi))
    return -1;
  if (ptrace(PTRACE_SYSCALL, tid, 0, 0))
    return -1;
  for (;;) {
    struct pollfd p = {listener, POLLIN, 0};
    if (poll(&p, 1, 50) <= 0) {
      if (waitpid(tid, &st, WNOHANG | __WALL) != tid)
        continue;
      if (WIFSTOPPED(st)) /* a signal ended its wait: its call comes anew */
        *sig = stop_signal(st);
      return -1;
    }
    struct seccomp_notif m;
    memset(&m, 0, sizeof m);
    if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &m))
      continue;
    if ((pid_t)m.pid != tid) {
      bh_supervisor_handle(listener, &m); /* another process's */
      continue;
    }
    if (m.data.nr != SYS_mmap ||
        memcmp(m.data.args, n->data.args, sizeof m.data.args)) {
      bh_supervisor_handle(listener, &m); /* not the call it made again */
      return -1;
    }
    /* Every thread is stopped: nobody sees the slot change. */
    if (!err && sealed >= 0 &&
        bh_swap_in(listener, m.id, tid, (int)n->data.args[4], sealed)) {
      bh_notif_respond(listener, m.id, 0, EPERM, 0);
      return -2;
    }
    bh_notif_respond(listener, m.id, 0, err, !err);
    break;
  }
  /* At the call's exit: the file is the mapping's now. */
  if (!wait_caller(tid, &st)) {
    *sig = stop_signal(st);
    if (WSTOPSIG(st) == (SIGTRAP | 0x80) &&
        !ptrace(PTRACE_GETREGS, tid, 0, &r) &&
        r.rax < (unsigned long long)-4095)
      *mapped = r.rax;
  }
  return 0;
}

/* --------------------------------------------------- the mapping's edges */

/* A pattern the bytes across edge e (e - 2 .. e + 2) make where the
 * mappings on both sides are executable: its address (kind in *kind), or
 * 0. Bytes the supervisor cannot read there (past a file's end) the CPU
 * cannot fetch either. */
static uint64_t joint_at(int mem, pid_t tid, uint64_t e, int *kind) {
  uint8_t b[4];
  if (e < 2 || !bh_executable_at(tid, e - 1) || !bh_executable_at(tid, e) ||
      pread(mem, b, 4, (off_t)(e - 2)) != 4)
    return 0;
  for (int i = 0; i < 2; i++)
    if ((*kind = bh_pattern_at(b + i)) >= 0)
      return e - 2 + (uint64_t)i;
  return 0;
}

/* Judged with its neighbours: a mapping scanned alone can end in 0F 01
 * where the next begins with EF (review 3). Looked at once the kernel made
 * it, at its real place (without MAP_FIXED only the kernel knows it), with
 * nothing of the process running yet; every executable mapping after
 * start-up passes here, so of two neighbours the later one's look sees
 * both. NULL, or why not, in why. */
static const char *judge_edges(pid_t tgid, pid_t tid, uint64_t lo,
                               uint64_t len, char *why, size_t size) {
  /* The caller's memory file: the leader's is empty once it ended. */
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/task/%d/mem", (int)tgid, (int)tid);
  int mem = open(path, O_RDONLY | O_CLOEXEC);
  if (mem < 0)
    return snprintf(why, size,
                    "the supervisor cannot read the code beside the mapping"),
           why;
  uint64_t hi = lo + ((len + BH_PAGE - 1) & ~(uint64_t)(BH_PAGE - 1)), at;
  int kind = 0;
  if (!(at = joint_at(mem, tid, lo, &kind)))
    at = joint_at(mem, tid, hi, &kind);
  close(mem);
  if (!at)
    return NULL;
  snprintf(why, size,
           "the mapping at 0x%llx and the executable mapping beside it make "
           "%s bytes at 0x%llx across their edge; a code-reuse attack could "
           "use them to open every compartment",
           (unsigned long long)lo, bh_pattern_name(kind),
           (unsigned long long)at);
  return why;
}

void bh_supervise_exec(int listener, const struct seccomp_notif *n) {
  pid_t tid = (pid_t)n->pid, tgid = bh_task_tgid(tid);
  struct frozen *f = calloc(1, sizeof *f); /* replay may come back here */
  char why[512], stuck[160], file[PATH_MAX] = "?",
                              domain[128] = "code outside every domain";
  const char *no = NULL;
  int fd = -1, fl = -1, sealed = -1, err = 0, st = 0, sig = 0;
  struct bh_fdinfo fi, *reopened = NULL;
  uint32_t pkru = 0;
  snprintf(stuck, sizeof stuck, "its process is gone");
  if (!f || tgid <= 0 || freeze(f, tgid, tid, stuck, sizeof stuck)) {
    snprintf(why, sizeof why,
             "the supervisor cannot stop the process's threads while it scans "
             "the file: %s",
             stuck);
    no = why;
  }
  /* The caller too: its wait ends, and the kernel will make its call again
   * once it goes on (replay). Now nothing of the process runs. */
  int seized = !no && !ptrace(PTRACE_SEIZE, tid, 0, PTRACE_O_TRACESYSGOOD);
  if (seized &&
      (ptrace(PTRACE_INTERRUPT, tid, 0, 0) || wait_caller(tid, &st))) {
    seized = 0; /* it ended */
    goto out;
  }
  if (seized)
    sig = stop_signal(st); /* a signal's stop: it gets its signal back */
  if (!no && !seized)
    no = "the supervisor cannot stop the caller while it scans the file";
  if (!no) {
    int own = bh_reads_own_table(tgid, tid);
    int pfd = own ? (int)syscall(SYS_pidfd_open, tgid, 0) : -1;
    fd = pfd < 0 ? -1
                 : (int)syscall(SYS_pidfd_getfd, pfd, (int)n->data.args[4], 0);
    if (pfd >= 0)
      close(pfd);
    if (fd >= 0)
      fl = fcntl(fd, F_GETFL);
    else if (!own) {
      /* The caller's own thread's table, its file opened again read-only
       * (supervisor-open.c). A new open file description does here: the
       * call's offset is its own argument, the file is mapped only as
       * its sealed copy (put in the slot with the slot's position and
       * close-on-exec flag, read from its fdinfo) or, a sealed memfd, as
       * the caller's own descriptor, whose inode (seals and bytes) is the
       * one scanned; the caller's flags (fl) are judged, not ours. Nothing
       * of the process runs, so the slot cannot change before the
       * repeated call but in a signal handler of the caller's: looked at
       * again then (same_slot). */
      fd = bh_take_caller_fd(-1, n, (int)n->data.args[4], O_RDONLY, &fi);
      if (fi.known && !(fi.flags & O_PATH) &&
          (fi.flags & O_ACCMODE) != O_RDONLY && (fi.flags & O_ACCMODE) != O_RDWR)
        no = open_for_writing; /* write-only: judged as the copy's would be */
      else if (fd == -EINVAL && fi.known)
        no = not_regular;
      else if (fd >= 0)
        fl = (int)fi.flags, reopened = &fi;
      if (no) { /* the file's name, for the line */
        char link[64];
        snprintf(link, sizeof link, "/proc/%d/fd/%d", (int)tid,
                 (int)n->data.args[4]);
        ssize_t l = readlink(link, file, sizeof file - 1);
        file[l > 0 ? l : 0] = 0;
      }
    }
    if (fd < 0) {
      /* EBADF as the kernel would answer; or why the new open failed (a
       * file the caller may no longer read: EACCES) */
      err = fd < -1 && fd != -ESRCH ? -fd : EBADF;
      fd = -1;
    }
  }
  if (fd >= 0 && n->data.args[5] & 4095) {
    err = EINVAL; /* as the kernel would answer */
  } else if (fd >= 0) {
    char self[64];
    snprintf(self, sizeof self, "/proc/self/fd/%d", fd);
    ssize_t l = readlink(self, file, sizeof file - 1);
    file[l > 0 ? l : 0] = 0;
    int copy = 0;
    no = judge(fd, fl, n, why, sizeof why, &copy);
    /* Any file but a sealed memfd: the kernel maps a sealed copy, and
     * the copy is what is judged (supervisor-sealed.c). */
    if (!no && copy && (sealed = bh_sealed_copy(fd, file)) < 0)
      snprintf(why, sizeof why,
               "the supervisor cannot make the sealed copy of the file it "
               "would map (%s)",
               strerror(errno)),
          no = why;
    else if (!no && copy)
      no = judge(sealed, O_RDONLY, n, why, sizeof why, NULL);
  }
  if (no) {
    if (seized)
      bh_domain_text(tid, !bh_stopped_pkru(tid, &pkru), pkru, domain,
                     sizeof domain);
    report(seized ? -1 : listener, n, file, domain, no);
    kill(tgid, SIGKILL);
    if (!seized)
      bh_notif_respond(listener, n->id, 0, EPERM, 0);
  } else {
    uint64_t mapped = 0;
    int r = replay(listener, n, fd, err, reopened, sealed, &sig, &mapped);
    if (r == -2)
      no = "the supervisor cannot put the file's sealed copy in the "
           "descriptor the call names";
    if (r == -2 ||
        (!r && mapped &&
         (no = judge_edges(tgid, tid, mapped, n->data.args[1], why,
                           sizeof why)))) {
      bh_domain_text(tid, !bh_stopped_pkru(tid, &pkru), pkru, domain,
                     sizeof domain);
      report(seized ? -1 : listener, n, file, domain, no);
      kill_with_sharers(tgid, tid); /* before any of its threads runs again */
    }
  }
out:
  if (fd >= 0)
    close(fd);
  if (sealed >= 0)
    close(sealed);
  if (seized)
    release(tid, 1, sig);
  if (f)
    thaw(f);
  free(f);
  bh_exec_reap(); /* a killed process's threads, for its parent */
}
