/*
 * supervisor-filter.c - the filter that protects an object registered after
 * start-up (docs/shared-objects.md, step 6, piece 4). The first filter
 * cannot protect ranges it was not built with, and the supervisor cannot
 * install a filter into another process: so the process installs it, from
 * the one page the first filter lets seccomp take a program from
 * (bh_policy->filter_page, read-only in the executable's protected range,
 * written only here through /proc/<pid>/mem), and the supervisor proves
 * it did by counting the process's filters, which no other filter can
 * raise (the first filter refuses every other for our process).
 *   BH_FILTER_WRITE(base): the count c0 read, then the object's program
 *     (bpf.c, bh_build_object_filter; its span from the file mapped at
 *     base) written into the page, which held zeros (an invalid program):
 *     a filter installed after c0 was read is this program.
 *   BH_FILTER_CHECK: with the other threads stopped (none is inside
 *     seccomp, so none can install the page's program after this), every
 *     thread must count more than c0, no other process may share the
 *     memory (TSYNC covers only the thread group; a process sharing it
 *     later inherits the filter), and the page is emptied again.
 */
#define _GNU_SOURCE
#include "syscalls.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define PROG_MAX ((BH_PAGE - 16) / (int)sizeof(struct sock_filter))

/* The supervisor's own record: the filter under way, and the objects
 * filtered, by process. */
static struct {
  pid_t tgid; /* 0: none under way */
  long c0;
  uintptr_t base, lo, hi;
} writing;
static struct {
  pid_t tgid;
  unsigned long long start; /* the process's start time: ids are reused */
  uintptr_t base, lo, hi;
} filtered[64];
static int nfiltered;

/* Thread tid's count of seccomp filters; -2 if the thread is gone, -1 if
 * the count cannot be read (a refusal: review 13b made the line missing). */
static long filters_of(pid_t tid) {
  static char buf[1 << 16];
  if (bh_read_status(tid, buf, sizeof buf))
    return errno == ENOENT || errno == ESRCH ? -2 : -1;
  const char *s = strstr(buf, "\nSeccomp_filters:");
  return s ? strtol(s + 17, NULL, 10) : -1;
}

/* Whether every thread of process tgid counts more than c0 filters. */
static int all_have(pid_t tgid, long c0) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/task", (int)tgid);
  DIR *d = opendir(path);
  if (!d)
    return 0;
  int ok = 1, any = 0;
  for (struct dirent *e; ok && (e = readdir(d));) {
    pid_t tid = (pid_t)atoi(e->d_name);
    if (tid <= 0)
      continue;
    any = 1;
    long c = filters_of(tid);
    ok = c > c0 || c == -2; /* more, or ended meanwhile */
  }
  closedir(d);
  return ok && any;
}

static int span_taken(pid_t tgid, uintptr_t lo, uintptr_t hi) {
  uintptr_t rlo, rhi;
  bh_heap_reserved(&rlo, &rhi);
  if ((lo < bh_state->arena_hi && bh_state->arena_lo < hi) ||
      (lo < rhi && rlo < hi))
    return 1;
  for (unsigned i = 0; i < bh_policy->n; i++)
    if (lo < bh_policy->r[i].hi && bh_policy->r[i].lo < hi)
      return 1;
  unsigned long long start = bh_process_start(tgid);
  for (int i = 0; i < nfiltered; i++)
    if (filtered[i].tgid == tgid && filtered[i].start == start &&
        lo < filtered[i].hi && filtered[i].lo < hi)
      return 1;
  return 0;
}

/* Whether process tgid's filter page holds zeros only. */
static int page_empty(pid_t tgid) {
  static char page[BH_PAGE];
  if (bh_task_read(tgid, bh_policy->filter_page, page, sizeof page))
    return 0;
  for (size_t i = 0; i < sizeof page; i++)
    if (page[i])
      return 0;
  return 1;
}

static int write_page(int listener, const struct seccomp_notif *n, pid_t tgid,
                      const void *buf, size_t len) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/task/%d/mem", (int)tgid, (int)n->pid);
  int fd = open(path, O_RDWR | O_CLOEXEC);
  uint64_t id = n->id;
  int ok = fd >= 0 && !ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) &&
           pwrite(fd, buf, len, (off_t)bh_policy->filter_page) == (ssize_t)len;
  if (fd >= 0)
    close(fd);
  return ok ? 0 : -1;
}

static int filter_write(int listener, const struct seccomp_notif *n,
                        pid_t tgid) {
  if (writing.tgid && bh_task_tgid(writing.tgid) != writing.tgid)
    writing.tgid = 0; /* its process ended mid-way */
  if (writing.tgid || bh_shares_memory(tgid, (pid_t)n->pid))
    return EBUSY;
  uintptr_t base = n->data.args[2], lo, hi;
  const char *why;
  if (bh_object_file_span(tgid, base, &lo, &hi, &why))
    return ENOEXEC;
  /* Still holding a program (a fork's copy of the page, made between
   * another registration's write and its check): an install of it could
   * stand in for this object's (review 13b). */
  if (!page_empty(tgid))
    return EBUSY;
  unsigned long long start = bh_process_start(tgid);
  for (int i = 0; i < nfiltered; i++)
    if (filtered[i].tgid == tgid && filtered[i].start == start &&
        filtered[i].base == base)
      return EEXIST;
  /* The span is what the file says: it may not reach the first filter's
   * ranges (the program's protected pages), the reserved arenas and heap
   * regions, or another object's span in this process, whose pages the
   * supervisor writes (review 13c). */
  if (span_taken(tgid, lo, hi))
    return EINVAL;
  static union {
    struct {
      struct sock_fprog f;
      struct sock_filter prog[PROG_MAX];
    } s;
    char page[BH_PAGE];
  } u;
  _Static_assert(sizeof u == BH_PAGE && sizeof u.s.f == 16, "one page");
  int len = bh_build_object_filter(lo, hi, u.s.prog, PROG_MAX);
  long c0 = filters_of((pid_t)n->pid);
  if (len < 0 || c0 < 1)
    return EINVAL;
  /* Counted first, written after: an install that took the page before
   * found zeros, and failed. */
  u.s.f.len = (unsigned short)len;
  u.s.f.filter = (struct sock_filter *)(bh_policy->filter_page + 16);
  if (write_page(listener, n, tgid, &u, sizeof u))
    return EIO;
  writing.tgid = tgid, writing.c0 = c0;
  writing.base = base, writing.lo = lo, writing.hi = hi;
  return 0;
}

static int filter_check(int listener, const struct seccomp_notif *n,
                        pid_t tgid) {
  if (!writing.tgid || writing.tgid != tgid)
    return EPERM;
  if (bh_freeze_process(tgid, (pid_t)n->pid))
    return EAGAIN; /* the page keeps the program; the grant stays open */
  int ok = all_have(tgid, writing.c0) &&
           !bh_shares_memory(tgid, (pid_t)n->pid) && nfiltered < 64;
  static const char zeros[BH_PAGE];
  int emptied = !write_page(listener, n, tgid, zeros, sizeof zeros);
  bh_thaw_process();
  if (!emptied)
    return EIO; /* still under way: nothing else may be written */
  if (ok)
    filtered[nfiltered++] = (__typeof__(filtered[0])){
        tgid, bh_process_start(tgid), writing.base, writing.lo, writing.hi};
  writing.tgid = 0;
  return ok ? 0 : EPERM;
}

void bh_supervise_filter_request(int listener, const struct seccomp_notif *n) {
  pid_t tgid = bh_task_tgid((pid_t)n->pid);
  int err = tgid <= 0 ? ESRCH
            : n->data.args[1] == BH_FILTER_WRITE
                ? filter_write(listener, n, tgid)
                : filter_check(listener, n, tgid);
  bh_notif_respond(listener, n->id, 0, err, 0);
}

int bh_object_filtered(pid_t tgid, uintptr_t base, uintptr_t *lo,
                       uintptr_t *hi) {
  unsigned long long start = bh_process_start(tgid);
  for (int i = 0; i < nfiltered; i++)
    if (filtered[i].tgid == tgid && filtered[i].start == start && start &&
        filtered[i].base == base) {
      *lo = filtered[i].lo, *hi = filtered[i].hi;
      return 1;
    }
  return 0;
}

uintptr_t bh_object_filtered_at(pid_t tgid, uintptr_t a, uintptr_t b) {
  unsigned long long start = bh_process_start(tgid);
  for (int i = 0; i < nfiltered; i++)
    if (filtered[i].tgid == tgid && filtered[i].start == start && start &&
        filtered[i].lo <= a && b <= filtered[i].hi)
      return filtered[i].base;
  return 0;
}
