/*
 * supervisor-unwind.c - the unwinder's values of the type words of an
 * object registered after start-up under the filter (issue 11, review
 * 75): the words its LSDAs name indirectly (clang's .L_ZTI*.DW.stub,
 * GCC's DW.ref._ZTI*, in its writable .data), which a compartment's throw
 * would otherwise read as key-0 memory holds them (unwind-copy.c,
 * copy_lsda).
 *   BH_UNWIND_WORDS(list, n): the list (the runtime's walk of the
 *     object's CIEs and LSDAs, unwind-find.c) says only where the words
 *     are: every place must lie in one object whose filter the supervisor
 *     wrote; each value is the one the object's relocation of that word
 *     gives (supervisor-relro.c: the file, and the supervisor's own
 *     look-up, a fork of the program after start-up), never the
 *     process's memory. A place no such relocation writes gets no value
 *     (a throw that needs it stops with one line). Appended to the
 *     unwinder's late area (reserved read-only at start-up in the first
 *     filter's ranges) through /proc/<pid>/mem, entries first, then the
 *     count; a place there already keeps its value.
 * So a store into such a word, before registration or after, changes
 * nothing the unwinder reads with a compartment's rights.
 */
#define _GNU_SOURCE
#include "syscalls.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <unistd.h>

static int words(int listener, const struct seccomp_notif *n, pid_t tgid) {
  static struct bh_unwind_word w[1 << 14], had[1 << 14];
  uintptr_t list = n->data.args[2], area;
  size_t count = n->data.args[3], max, old;
  bh_unwind_late_area(&area, &max);
  if (!count || count > sizeof w / sizeof *w || count > max)
    return EINVAL;
  if (bh_task_read((pid_t)n->pid, list, w, count * sizeof *w))
    return EFAULT;
  uintptr_t base = bh_object_filtered_at(tgid, w[0].at, w[0].at + 8), lo, hi;
  if (!base || !bh_object_filtered(tgid, base, &lo, &hi))
    return EINVAL;
  for (size_t i = 0; i < count; i++)
    if (w[i].at < lo || w[i].at + 8 > hi || w[i].at % 8)
      return EINVAL;
  if (bh_relocated_values(tgid, (pid_t)n->pid, base, w, count))
    return ENOEXEC;
  /* The area: read-only in a range of the first filter, so what it holds
   * is what start-up or the supervisor wrote. */
  uint64_t now;
  if (bh_task_read((pid_t)n->pid, area, &now, sizeof now) || now > max ||
      bh_task_read((pid_t)n->pid, area + 16, had, now * sizeof *had))
    return EIO;
  old = now;
  for (size_t i = 0; i < count && now < max && now < sizeof had / sizeof *had;
       i++) {
    size_t k = 0;
    while (w[i].at && k < now && had[k].at != w[i].at)
      k++;
    if (w[i].at && k == now)
      had[now++] = w[i];
  }
  if (now == old)
    return 0;
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/task/%d/mem", (int)tgid, (int)n->pid);
  int mem = open(path, O_RDWR | O_CLOEXEC);
  uint64_t id = n->id;
  size_t len = (now - old) * sizeof *had;
  int ok = mem >= 0 && !ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) &&
           pwrite(mem, &had[old], len, (off_t)(area + 16 + old * sizeof *had)) ==
               (ssize_t)len &&
           pwrite(mem, &now, sizeof now, (off_t)area) == sizeof now;
  if (mem >= 0)
    close(mem);
  return ok ? 0 : EIO;
}

void bh_supervise_unwind_request(int listener, const struct seccomp_notif *n) {
  pid_t tgid = bh_task_tgid((pid_t)n->pid);
  int err = tgid <= 0 ? ESRCH : words(listener, n, tgid);
  bh_notif_respond(listener, n->id, 0, err, 0);
}
