/*
 * supervisor-keys.c - the supervisor's rule for giving a key reserved at
 * start-up to a compartment registered later (docs/shared-objects.md,
 * step 6, piece 3). Everything it decides with comes from its own memory
 * (a fork of the program after start-up: the reserved keys, arenas and
 * heap regions, the first filter's ranges), from the object's file and
 * from the kernel's account of the process (/proc/<pid>/maps, smaps),
 * never from the program's memory.
 *   BH_KEY_GIVE(base, descriptor): the next key not given, for the
 *     compartment whose descriptor the file at base lists, once the
 *     object's own filter protects it (supervisor-filter.c); the stack
 *     cookie written into its arena's first page; answers the key.
 *   pkey_mprotect: only the four calls that grant allows, each once.
 *   BH_KEY_DONE(key): all four tagged, the data put back from the file,
 *     then piece 5's words: the descriptor (the file's bytes and the
 *     runtime's fields as the supervisor decides them), the index, once
 *     per object its imports and its entry in the table's list, and the
 *     copies, into pages BH_KEY_GIVE required read-only and private in
 *     the object's filtered span, so what is written there stays; the
 *     compartment recorded (supervisor-objects.c) with the index
 *     BH_KEY_GIVE decided, which it answers, and the words written. Past
 *     the tags the grant ends, done or failed.
 *   mprotect without PROT_EXEC: on a given key's arena and region, where
 *     every page carries that key (it keeps it), as on keyed ranges.
 */
#define _GNU_SOURCE
#include "syscalls.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

enum { STEP_COOKIE = 1, STEP_ARENA = 2, STEP_HEAP = 4, STEP_DATA = 8 };
#define STEPS_ALL (STEP_COOKIE | STEP_ARENA | STEP_HEAP | STEP_DATA)

/* The supervisor's own record: which reserved keys it gave (by slot, the
 * index into bh_state->reserved_key), and the grant under way. */
static struct {
  unsigned given, done; /* slots given; slots whose grant completed */
  int pending;          /* slot of the grant under way, or -1 */
  pid_t tgid;           /* the process it is for */
  unsigned steps;       /* pkey_mprotect calls let through so far */
  uintptr_t base, desc, data_lo, data_hi;
  int index;                /* the compartment index decided */
  struct bh_object obj;     /* the object's entry, from its note at the give */
  unsigned long long id[3]; /* the object's file: device, inode */
} keys = {.pending = -1};

static uintptr_t arena_of(int s) {
  return bh_state->arena_lo + (uintptr_t)s * BH_ARENA_SIZE;
}

/* Slot s's heap region, [*lo, *hi) (heap.c). */
static int region_of(int s, uintptr_t *lo, uintptr_t *hi) {
  return bh_heap_reserved_slot(s, lo, hi);
}

static int overlaps(uintptr_t a, uintptr_t b, uintptr_t lo, uintptr_t hi) {
  return a < hi && lo < b;
}

/* Whether every page of [lo, hi) is mapped and carries key, by the
 * kernel's account (/proc/<pid>/smaps, mappings in ascending order). */
static int tagged(pid_t pid, uintptr_t lo, uintptr_t hi, int key) {
  char path[64], line[4096 + 128];
  snprintf(path, sizeof path, "/proc/%d/smaps", (int)pid);
  FILE *f = fopen(path, "re");
  if (!f)
    return 0;
  uintptr_t cur = lo, vlo = 0, vhi = 0;
  while (cur < hi && bh_read_line(line, sizeof line, f)) {
    unsigned long long a, b;
    char perms[8];
    int k;
    if (sscanf(line, "%llx-%llx %7s", &a, &b, perms) == 3)
      vlo = (uintptr_t)a, vhi = (uintptr_t)b;
    else if (sscanf(line, "ProtectionKey: %d", &k) == 1 && vlo <= cur &&
             cur < vhi && k == key)
      cur = vhi < hi ? vhi : hi;
  }
  fclose(f);
  return cur >= hi;
}

/* Whether every page of [lo, hi) is in private mappings that are readable
 * only ("r--p", by the kernel's account, /proc/<pid>/maps): once the
 * object's filter protects them nothing can make them writable, unmap or
 * replace them, and a write of whole pages through /proc/<pid>/mem makes
 * them the process's own copies (a later write to the file does not show
 * through). */
struct span {
  uintptr_t cur, hi; /* covered up to cur, of [.., hi) */
};

static int readonly_line(const struct bh_map *m, void *ctx) {
  struct span *w = ctx;
  if (w->cur >= w->hi)
    return 1;
  if (m->lo <= w->cur && w->cur < m->hi && !strcmp(m->perms, "r--p"))
    w->cur = m->hi < w->hi ? (uintptr_t)m->hi : w->hi;
  return 0;
}

int bh_readonly_private(pid_t pid, uintptr_t lo, uintptr_t hi) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/maps", (int)pid);
  struct span w = {lo, hi};
  return bh_each_map(path, readonly_line, &w) >= 0 && w.cur >= hi;
}

/* Task n's memory file, opened while it is still the task that asked. */
static int open_mem(int listener, const struct seccomp_notif *n, pid_t tgid) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/task/%d/mem", (int)tgid, (int)n->pid);
  int fd = open(path, O_RDWR | O_CLOEXEC);
  uint64_t id = n->id;
  if (fd >= 0 && ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &id)) {
    close(fd);
    fd = -1;
  }
  return fd;
}

static long give(int listener, const struct seccomp_notif *n, pid_t tgid,
                 int *err) {
  uintptr_t base = n->data.args[2], desc = n->data.args[3];
  int s = 0;
  while (s < bh_state->reserved_keys && keys.given & 1u << s)
    s++;
  uintptr_t b[2], hlo, hhi, olo, ohi;
  unsigned long long id[3];
  const char *why;
  int index = -1;
  *err = 0;
  if (keys.pending >= 0 && bh_task_tgid(keys.tgid) != keys.tgid)
    keys.pending = -1; /* its process ended mid-way: the key stays given */
  if (keys.pending >= 0 || bh_shares_memory(tgid, (pid_t)n->pid))
    *err = EBUSY;
  else if (bh_registered_find(tgid, desc))
    *err = EEXIST; /* one key and one index per compartment */
  else if (s >= bh_state->reserved_keys || region_of(s, &hlo, &hhi) ||
           (index = bh_registered_next_index(tgid, (pid_t)n->pid)) < 0)
    *err = ENOSPC;
  else if (!bh_object_filtered(tgid, base, &olo, &ohi))
    *err = EPERM; /* protection before the key (piece 4, then 3) */
  else if (bh_object_file_domain(tgid, base, desc, b, &why) ||
           bh_object_file_id(tgid, base, id, &why))
    *err = ENOEXEC;
  if (*err)
    return -1;
  /* Its data: whole pages, none of the first filter's ranges (the
   * program's and the start-up libraries' compartments among them), nor
   * any reserved arena or region, all still untagged in this process
   * (key 0: no key given before is moved; a fork made before another
   * process's grant has the same addresses untagged). */
  uintptr_t rlo, rhi;
  bh_heap_reserved(&rlo, &rhi);
  int bad = b[1] < b[0] || b[0] % BH_PAGE || b[1] % BH_PAGE || desc < olo ||
            desc + BH_DOMAIN_SIZE > ohi ||
            (b[1] > b[0] && (b[0] < olo || b[1] > ohi)) ||
            overlaps(b[0], b[1], bh_state->arena_lo, bh_state->arena_hi) ||
            overlaps(b[0], b[1], rlo, rhi);
  for (unsigned i = 0; !bad && i < bh_policy->n; i++)
    bad = overlaps(b[0], b[1], bh_policy->r[i].lo, bh_policy->r[i].hi);
  bad = bad || (b[1] > b[0] && !tagged(tgid, b[0], b[1], 0));
  if (bad) {
    *err = EINVAL;
    return -1;
  }
  /* The descriptor's page, the object's copies and its imports, which
   * BH_KEY_DONE writes: read-only already, so that once written nothing
   * but the supervisor changes them; the rest of the object's entry in
   * the table's list as the runtime needs it. */
  struct bh_object o;
  if (desc % BH_PAGE ||
      !bh_readonly_private(tgid, desc, desc + BH_DOMAIN_SIZE)) {
    *err = EACCES;
    return -1;
  }
  if ((*err = bh_object_entry(tgid, base, olo, ohi, &o)))
    return -1;
  /* Its descriptor among the object's, and the object as listed by an
   * earlier compartment's grant, if any: the checks below are against
   * the entry in place (a file rewritten since could otherwise move the
   * object's ranges out of this grant's sight). */
  if (desc < (uintptr_t)o.domains_lo || desc >= (uintptr_t)o.domains_hi ||
      (*err = bh_object_unlike_listed((pid_t)n->pid, &o))) {
    *err = *err ? *err : EINVAL;
    return -1;
  }
  /* What the supervisor writes and what the key tags, apart: data over
   * a descriptor's page (any of the object's), the copies or the imports
   * would make them writable with the key, and one of those over another
   * would put its words in the other, a descriptor's PKRU among them
   * (review 13c). */
  uintptr_t dlo = (uintptr_t)o.domains_lo, dhi = (uintptr_t)o.domains_hi,
            copies = (uintptr_t)o.copies, ilo = (uintptr_t)o.imports_lo,
            ihi = (uintptr_t)o.imports_hi;
  if (overlaps(b[0], b[1], dlo, dhi) ||
      overlaps(b[0], b[1], copies, copies + BH_COPY_SIZE) ||
      overlaps(b[0], b[1], ilo, ihi) ||
      overlaps(copies, copies + BH_COPY_SIZE, dlo, dhi) ||
      overlaps(ilo, ihi, dlo, dhi) ||
      overlaps(ilo, ihi, copies, copies + BH_COPY_SIZE)) {
    *err = EINVAL;
    return -1;
  }
  /* The cookie, into a page nobody can read or map yet (PROT_NONE,
   * untagged, every call on it refused); the key then protects it. */
  uint64_t cookie = 0;
  int mem = open_mem(listener, n, tgid);
  if (mem < 0 ||
      syscall(SYS_getrandom, &cookie, sizeof cookie, 0) != sizeof cookie) {
    if (mem >= 0)
      close(mem);
    *err = EIO;
    return -1;
  }
  cookie |= 1; /* 0 marks a used record (stacks.c) */
  ssize_t w = pwrite(mem, &cookie, sizeof cookie, (off_t)arena_of(s));
  close(mem);
  if (w != (ssize_t)sizeof cookie) {
    *err = EIO;
    return -1;
  }
  keys.given |= 1u << s;
  keys.pending = s, keys.tgid = tgid, keys.base = base, keys.desc = desc;
  keys.data_lo = b[0], keys.data_hi = b[1];
  keys.index = index;
  keys.obj = o;
  memcpy(keys.id, id, sizeof id);
  keys.steps = b[1] > b[0] ? 0 : STEP_DATA;
  return bh_state->reserved_key[s];
}

#define PKEY_BITS(k) (3u << (2 * (k)))

/* The compartment's descriptor, whole: the file's bytes (its name, data
 * bounds, slot-address function and counters are RELATIVE relocations,
 * applied from the file's .rela.dyn), and the fields the runtime sets, as
 * this process decides them: the key of slot s, the default domain's PKRU
 * with that key opened, slot s's stack arena. Never read from the
 * program's memory. */
static int write_descriptor(int listener, const struct seccomp_notif *n,
                            pid_t tgid, int s, unsigned *written,
                            int *compartments) {
  static union {
    struct bulkhead_domain d;
    unsigned char page[BH_DOMAIN_SIZE];
  } u;
  const char *why;
  if (bh_object_file_data(tgid, keys.base, keys.desc,
                          keys.desc + BH_DOMAIN_SIZE, u.page, &why))
    return EIO;
  /* The bounds tagged, as BH_KEY_GIVE read them: a file rewritten since
   * may not claim other memory. */
  if (u.d.abi_version != BH_ABI_VERSION || u.d.enforced || u.d.counting || u.d.owner_check ||
      u.d.vector_state ||
      (uintptr_t)u.d.data_start != keys.data_lo ||
      (uintptr_t)u.d.data_end != keys.data_hi)
    return EINVAL;
  int key = bh_state->reserved_key[s];
  u.d.pkey = key;
  u.d.pkru = __bulkhead_domain0.pkru & ~PKEY_BITS(key);
  u.d.stack_lo = (char *)arena_of(s) + BH_ARENA_GUARD;
  u.d.stack_hi = u.d.stack_lo + (size_t)BH_STACKS_PER_ARENA * BH_STACK_SIZE;
  uintptr_t olo, ohi;
  if (!bh_object_filtered(tgid, keys.base, &olo, &ohi))
    return EPERM;
  int mem = open_mem(listener, n, tgid);
  int err = mem < 0 || pwrite(mem, u.page, sizeof u.page, (off_t)keys.desc) !=
                           (ssize_t)sizeof u.page
                ? EIO
                : 0;
  if (!err)
    *written |= BH_WRITTEN_DESCRIPTOR;
  /* Then its index: gate-table entry and table of compartments. */
  if (!err)
    err = bh_publish_compartment(mem, tgid, (pid_t)n->pid, &u.d, keys.desc,
                                 keys.index, olo, ohi);
  if (!err)
    *written |= BH_WRITTEN_INDEX;
  /* Then, once per object, its imports and its entry in the table's
   * list, which the copies' table shows: where the note said at the give
   * (checked apart from the descriptor and the data there), not where a
   * file rewritten since says. */
  const struct bh_object *o = &keys.obj;
  if (!err)
    err = bh_publish_object(mem, tgid, (pid_t)n->pid, o);
  if (!err) {
    *written |= BH_WRITTEN_IMPORTS | BH_WRITTEN_OBJECT;
    *compartments = (int)((o->domains_hi - o->domains_lo) / BH_DOMAIN_SIZE);
  }
  /* Then the copies that name it: the object's, and every registered
   * object's copies of the two tables. */
  if (!err)
    err = bh_write_copies(mem, tgid, (pid_t)n->pid, (uintptr_t)o->copies);
  if (!err)
    *written |= BH_WRITTEN_COPIES;
  if (mem >= 0)
    close(mem);
  return err;
}

static int done(int listener, const struct seccomp_notif *n, pid_t tgid,
                long *val) {
  int s = keys.pending;
  if (s < 0 || keys.tgid != tgid ||
      (long)n->data.args[2] != bh_state->reserved_key[s] ||
      keys.steps != STEPS_ALL)
    return EPERM;
  int key = bh_state->reserved_key[s];
  uintptr_t hlo, hhi, a = arena_of(s);
  if (region_of(s, &hlo, &hhi) || !tagged(tgid, a, a + BH_ARENA_SIZE, key) ||
      !tagged(tgid, hlo, hhi, key) ||
      (keys.data_hi > keys.data_lo &&
       !tagged(tgid, keys.data_lo, keys.data_hi, key)))
    return EPERM;
  /* The data was key-0 memory until the tag: put back as the file says
   * (review 10), now that only the compartment could change it. */
  size_t len = keys.data_hi - keys.data_lo;
  int err = 0;
  if (len) {
    const char *why;
    unsigned char *buf = mmap(NULL, len, PROT_READ | PROT_WRITE,
                              MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    int mem = buf == MAP_FAILED ? -1 : open_mem(listener, n, tgid);
    if (mem < 0 ||
        bh_object_file_data(tgid, keys.base, keys.data_lo, keys.data_hi, buf,
                            &why) ||
        pwrite(mem, buf, len, (off_t)keys.data_lo) != (ssize_t)len)
      err = EIO;
    if (mem >= 0)
      close(mem);
    if (buf != MAP_FAILED)
      munmap(buf, len);
  }
  /* The record piece 5's later parts and piece 6 go by: this process
   * only (a fork made since has the words written but no record). */
  struct bh_registered r = {.tgid = tgid,
                            .start = bh_process_start(tgid),
                            .base = keys.base,
                            .desc = keys.desc,
                            .copies = (uintptr_t)keys.obj.copies,
                            .key = key,
                            .index = keys.index,
                            .data_lo = keys.data_lo,
                            .data_hi = keys.data_hi};
  memcpy(r.id, keys.id, sizeof r.id);
  if (!err)
    err = write_descriptor(listener, n, tgid, s, &r.written, &r.compartments);
  /* Past the tags the grant ends here, done or not: a failure part-way
   * (even after the index is published) is recorded with what was
   * written, so the compartment never completes (no executable code,
   * piece 6) and gets no second grant, and the next grant, of any
   * process, may start. */
  if (!r.start || bh_registered_add(&r))
    err = err ? err : EIO;
  keys.pending = -1;
  if (err)
    return err;
  keys.done |= 1u << s;
  *val = keys.index;
  return 0;
}

void bh_supervise_key_request(int listener, const struct seccomp_notif *n) {
  pid_t tgid = bh_task_tgid((pid_t)n->pid);
  long val = 0;
  int err = tgid <= 0 ? ESRCH : 0;
  if (!err && n->data.args[1] == BH_KEY_GIVE)
    val = give(listener, n, tgid, &err);
  else if (!err)
    err = done(listener, n, tgid, &val);
  bh_notif_respond(listener, n->id, err ? 0 : val, err, 0);
}

/* A compartment's C++ exception block (runtime/exceptions.c), [a, a +
 * len) in its heap's arena, whose list (on its key: only its rights write
 * it) names it: given to another key while the list says it is being
 * given and every page still carries the compartment's key; taken back to
 * the compartment's key once given and marked released in the block (by
 * its holder: a false mark hurts only the holder). */
static int exception_block(int listener, const struct seccomp_notif *n) {
  uintptr_t a = n->data.args[0], len = n->data.args[1], list;
  int key = (int)n->data.args[3], own;
  pid_t tgid = bh_task_tgid((pid_t)n->pid);
  if (tgid <= 0 || a % BH_PAGE || !len || len % BH_PAGE || len > UINT32_MAX ||
      n->data.args[2] != (PROT_READ | PROT_WRITE) ||
      bh_heap_exc_span(a, len, &list, &own) < 0)
    return 0;
  static struct bh_exc_list l;
  struct bh_exc_record r;
  int mem = open_mem(listener, n, tgid);
  if (mem < 0)
    return 0;
  int ok = pread(mem, &l, sizeof l, (off_t)list) == (ssize_t)sizeof l &&
           pread(mem, &r, sizeof r, (off_t)a) == (ssize_t)sizeof r;
  close(mem);
  for (int s = 0; ok && s < BH_EXC_MAX; s++) {
    const struct bh_exc_given *e = &l.e[s];
    if (e->addr != a || e->len != len || e->state == BH_EXC_FREE)
      continue;
    /* Only the giving thread, which waits in this very call: another
     * thread's call, allowed now and run later, could re-tag the block
     * once the compartment has taken it back and reused it (review 51). */
    if (key != own)
      return e->state == BH_EXC_GIVING && e->to_key == key &&
             e->tid == (int32_t)n->pid && tagged(tgid, a, a + len, own);
    return e->state == BH_EXC_GIVEN && r.state == BH_EXC_RELEASED &&
           r.slot == (uint32_t)s;
  }
  return 0;
}

void bh_supervise_pkey_mprotect(int listener, const struct seccomp_notif *n) {
  uintptr_t a = n->data.args[0], len = n->data.args[1];
  unsigned long prot = n->data.args[2];
  int s = keys.pending;
  unsigned step = 0;
  uintptr_t hlo, hhi;
  if (exception_block(listener, n)) {
    bh_notif_respond(listener, n->id, 0, 0, 1);
    return;
  }
  if (s >= 0 && keys.tgid == bh_task_tgid((pid_t)n->pid) &&
      (long)n->data.args[3] == bh_state->reserved_key[s] &&
      !region_of(s, &hlo, &hhi)) {
    uintptr_t arena = arena_of(s);
    if (a == arena && len == BH_PAGE && prot == PROT_READ)
      step = STEP_COOKIE;
    else if (a == arena + BH_PAGE && len == BH_ARENA_SIZE - BH_PAGE &&
             prot == PROT_NONE)
      step = STEP_ARENA;
    else if (a == hlo && len == hhi - hlo && prot == (PROT_READ | PROT_WRITE))
      step = STEP_HEAP;
    else if (a == keys.data_lo && len == keys.data_hi - keys.data_lo && len &&
             prot == (PROT_READ | PROT_WRITE))
      step = STEP_DATA;
  }
  if (!step || keys.steps & step) {
    bh_supervisor_deny(listener, n, 1, BH_R_PKEY, NULL);
    return;
  }
  keys.steps |= step;
  bh_notif_respond(listener, n->id, 0, 0, 1);
}

int bh_keys_allow_mprotect(const struct seccomp_notif *n) {
  uintptr_t a = n->data.args[0], b = a + ((n->data.args[1] + BH_PAGE - 1) &
                                          ~(uintptr_t)(BH_PAGE - 1));
  if (n->data.args[2] & PROT_EXEC || b <= a || a % BH_PAGE)
    return 0;
  for (int s = 0; s < bh_state->reserved_keys; s++) {
    uintptr_t lo = arena_of(s), hi = lo + BH_ARENA_SIZE, hlo, hhi;
    if (!(keys.done & 1u << s) || region_of(s, &hlo, &hhi))
      continue;
    if ((lo <= a && b <= hi) || (hlo <= a && b <= hhi))
      return tagged(bh_task_tgid((pid_t)n->pid), a, b,
                    bh_state->reserved_key[s]);
  }
  return 0;
}

/* A given key's arena and region are at the same addresses in every fork
 * (reserved at start-up), with the key in a fork made after the grant,
 * which has no record; elsewhere they are PROT_NONE, which the kernel
 * would not read either. */
int bh_keys_key_at(pid_t tgid, uintptr_t a) {
  for (int s = 0; s < bh_state->reserved_keys; s++) {
    uintptr_t lo = arena_of(s), hlo, hhi;
    if (keys.given & 1u << s &&
        ((lo <= a && a < lo + BH_ARENA_SIZE) ||
         (!region_of(s, &hlo, &hhi) && hlo <= a && a < hhi)))
      return bh_state->reserved_key[s];
  }
  int s = keys.pending;
  if (s >= 0 && keys.tgid == tgid && keys.data_lo <= a && a < keys.data_hi)
    return bh_state->reserved_key[s];
  int key = bh_registered_key_at(tgid, a);
  if (key)
    return key;
  /* A fork made after another process's grant has that compartment's
   * data, on its key, with no record of its own: judged by the kernel's
   * account of the page (a fork made before the grant has no key there). */
  int any[BH_MAX_COMPARTMENTS];
  int n = bh_registered_keys_any(a, any, BH_MAX_COMPARTMENTS);
  uintptr_t page = a & ~(uintptr_t)(BH_PAGE - 1);
  for (int k = 0; k < n; k++)
    if (tagged(tgid, page, page + BH_PAGE, any[k]))
      return any[k];
  return 0;
}
