/*
 * supervisor-objects.c - the supervisor's record of the compartments of
 * objects registered after start-up under the filter (docs/shared-objects.md,
 * step 6, piece 5): for each, the process (id and start time, since ids are
 * reused), the object's base and file (device, inode), its descriptor, the
 * reserved key given and the compartment index the supervisor decided, and
 * which of the words it decides it has written there (a grant that failed
 * part-way is recorded too, with what it wrote: it never completes, and
 * its compartment gets no second grant). Kept in the
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
#include <stdio.h>
#include <string.h>

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
        records[i].written & BH_WRITTEN_INDEX && records[i].index >= next)
      next = records[i].index + 1;
  return next < BH_MAX_COMPARTMENTS ? (int)next : -1;
}

int bh_registered_add(const struct bh_registered *r) {
  if (nrecords == MAX_RECORDS)
    return -1;
  records[nrecords++] = *r;
  return 0;
}

int bh_registered_key_at(pid_t tgid, uintptr_t a) {
  unsigned long long start = 0;
  for (int i = 0; i < nrecords; i++)
    if (records[i].tgid == tgid && records[i].data_lo <= a &&
        a < records[i].data_hi) {
      if (!start)
        start = bh_process_start(tgid);
      if (records[i].start == start)
        return records[i].key;
    }
  return 0;
}

int bh_registered_keys_any(uintptr_t a, int *keys, int max) {
  int n = 0;
  for (int i = 0; i < nrecords && n < max; i++)
    if (records[i].data_lo <= a && a < records[i].data_hi)
      keys[n++] = records[i].key; /* each record has a key of its own */
  return n;
}

int bh_registered_domain(pid_t tid, uint32_t pkru, char *out, size_t size) {
  for (int i = 0; i < nrecords; i++) {
    const struct bh_registered *r = &records[i];
    if (!(r->written & BH_WRITTEN_DESCRIPTOR) ||
        pkru != (__bulkhead_domain0.pkru & ~(3u << (2 * r->key))))
      continue;
    /* A key is given once, for all processes: this is its compartment,
     * in the caller too (a fork made after the grant has its descriptor
     * at the same place). The name, for the report only, from the
     * caller's memory: its descriptor, which the supervisor wrote, and
     * the object's read-only data. */
    const char *name;
    char buf[64];
    size_t n = 0;
    if (!bh_task_read(tid, r->desc + offsetof(struct bulkhead_domain, name),
                      &name, sizeof name)) {
      n = 4096 - ((uintptr_t)name & 4095);
      if (n > sizeof buf - 1)
        n = sizeof buf - 1;
      if (bh_task_read(tid, (uintptr_t)name, buf, n))
        n = 0;
    }
    buf[n] = 0;
    for (size_t k = 0; k < n; k++)
      if (buf[k] && (buf[k] < 0x20 || buf[k] > 0x7e))
        buf[k] = '?';
    if (buf[0])
      snprintf(out, size, "compartment '%s'", buf);
    else
      snprintf(out, size, "a compartment registered later (key %d)", r->key);
    return 1;
  }
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

/* Whether some record of process tgid (started at start) for the object
 * at base lacks its copies: a grant that failed before them. */
static int copies_missing(pid_t tgid, unsigned long long start,
                          uintptr_t base) {
  for (int i = 0; i < nrecords; i++)
    if (records[i].tgid == tgid && records[i].start == start &&
        records[i].base == base && !(records[i].written & BH_WRITTEN_COPIES))
      return 1;
  return 0;
}

int bh_registered_copies(pid_t tgid, uintptr_t *out, int max) {
  unsigned long long start = bh_process_start(tgid);
  int n = 0;
  for (int i = 0; i < nrecords && n < max; i++) {
    int seen = records[i].tgid != tgid || records[i].start != start ||
               copies_missing(tgid, start, records[i].base);
    for (int j = 0; !seen && j < n; j++)
      seen = out[j] == records[i].copies;
    if (!seen)
      out[n++] = records[i].copies;
  }
  return n;
}

int bh_registered_complete(pid_t tgid, uintptr_t base) {
  unsigned long long start = bh_process_start(tgid);
  int n = 0, want = 0;
  for (int i = 0; i < nrecords; i++) {
    const struct bh_registered *r = &records[i];
    if (r->tgid != tgid || r->start != start || !start || r->base != base)
      continue;
    if (r->written != BH_WRITTEN_ALL)
      return 0; /* a grant that failed part-way: never complete */
    if (want && r->compartments != want)
      return 0;
    want = r->compartments, n++;
  }
  return n > 0 && n == want;
}

/* Whether [a, a + len) lies in [lo, lo + size). */
static int within(uintptr_t a, size_t len, uintptr_t lo, size_t size) {
  return a >= lo && a + len >= a && a + len <= lo + size;
}

int bh_registered_wrote(pid_t tgid, uintptr_t base, uintptr_t a, size_t len) {
  unsigned long long start = bh_process_start(tgid);
  for (int i = 0; i < nrecords; i++) {
    const struct bh_registered *r = &records[i];
    if (r->tgid == tgid && r->start == start && start && r->base == base &&
        r->written == BH_WRITTEN_ALL &&
        (within(a, len, r->desc, BH_DOMAIN_SIZE) ||
         within(a, len, r->copies, BH_COPY_SIZE)))
      return 1;
  }
  return 0;
}

int bh_registered_file_live(const unsigned long long id[3]) {
  for (int i = 0; i < nrecords; i++)
    if (!memcmp(records[i].id, id, sizeof records[i].id) &&
        records[i].start == bh_process_start(records[i].tgid))
      return records[i].tgid;
  return 0;
}
