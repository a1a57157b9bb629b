/*
 * supervisor-objects.c - the supervisor's record of the compartments of
 * objects registered after start-up under the filter (docs/shared-objects.md,
 * step 6, piece 5): for each, the process (id and start time, since ids are
 * reused), the object's base and file (device, inode), its descriptor, the
 * reserved key given and the compartment index the supervisor decided, and
 * which of the words it decides it has written there. Kept in the
 * supervisor's memory only: nothing of it is read back from the program's.
 *
 * Forks: a record belongs to one process. A fork made later has copies of
 * what was written into its parent, but no record: what it may use of it
 * is read from its own table of compartments (in the executable, read-only
 * and protected since start-up in every fork, written only by the
 * supervisor after it), as the next index is; everything the record
 * allows is refused to a process without one (refusal only).
 */
#define _GNU_SOURCE
#include "syscalls.h"

#include <stddef.h>

/* One record per key given, and a key is given once, for all processes
 * (supervisor-keys.c): never more than this. */
#define MAX_RECORDS BH_MAX_COMPARTMENTS

static struct bh_registered records[MAX_RECORDS];
static int nrecords;

int bh_registered_next_index(pid_t tgid, pid_t tid) {
  /* The count in this process's table of compartments: a read-only page
   * of the executable, in the first filter's ranges since before the
   * filter, so a key-0 store cannot have changed it; at the same address
   * in every fork of the program, the supervisor's too. */
  uint64_t count;
  if (bh_task_read(tid, (uintptr_t)&bh_domain_table.t.count, &count,
                   sizeof count) ||
      count > BH_MAX_COMPARTMENTS)
    return -1;
  long next = (long)count;
  unsigned long long start = bh_process_start(tgid);
  for (int i = 0; i < nrecords; i++)
    if (records[i].tgid == tgid && records[i].start == start &&
        records[i].index >= next)
      next = records[i].index + 1;
  return next < BH_MAX_COMPARTMENTS ? (int)next : -1;
}

int bh_registered_add(const struct bh_registered *r) {
  if (nrecords == MAX_RECORDS)
    return -1;
  records[nrecords++] = *r;
  return 0;
}

struct bh_registered *bh_registered_find(pid_t tgid, uintptr_t desc) {
  unsigned long long start = bh_process_start(tgid);
  for (int i = 0; i < nrecords; i++)
    if (records[i].tgid == tgid && records[i].start == start && start &&
        records[i].desc == desc)
      return &records[i];
  return NULL;
}

int bh_registered_bases(pid_t tgid, uintptr_t *out, int max) {
  unsigned long long start = bh_process_start(tgid);
  int n = 0;
  for (int i = 0; i < nrecords && n < max; i++) {
    int seen = records[i].tgid != tgid || records[i].start != start;
    for (int j = 0; !seen && j < n; j++)
      seen = out[j] == records[i].base;
    if (!seen)
      out[n++] = records[i].base;
  }
  return n;
}

int bh_registered_complete(pid_t tgid, uintptr_t base) {
  const unsigned all =
      BH_WRITTEN_DESCRIPTOR | BH_WRITTEN_INDEX | BH_WRITTEN_COPIES;
  unsigned long long start = bh_process_start(tgid);
  int any = 0;
  for (int i = 0; i < nrecords; i++)
    if (records[i].tgid == tgid && records[i].start == start && start &&
        records[i].base == base) {
      if ((records[i].written & all) != all)
        return 0;
      any = 1;
    }
  return any;
}
