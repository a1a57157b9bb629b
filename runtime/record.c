/*
 * record.c - the sharing-policy recorder (BULKHEAD_SHARE_RECORD=FILE;
 * docs/heaps.md, "Recording a policy"). In that mode only, every live
 * compartment allocation keeps the return addresses of its call stack; when
 * the default domain faults on such a block, fault.c has it appended to
 * FILE (once per distinct stack) and lets the access proceed.
 * tools/bulkhead-share-policy turns FILE into a policy.
 *
 * The table is key-0 memory every domain can write: recording is for
 * profiling runs, never for production (the recorder also lets the default
 * domain touch the compartment blocks it faults on). Its address and the
 * file descriptor are on the runtime's read-only state page.
 */
#define _GNU_SOURCE
#include "internal.h"
#include "lock.h"

#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define SLOTS (1u << 16) /* live compartment allocations tracked */
#define FRAMES 24
#define TOMBSTONE ((uintptr_t)1)

struct bh_record {
  uintptr_t start, size;
  uint32_t n;    /* frames */
  uint32_t told; /* reported */
  uintptr_t frame[FRAMES];
};

/* Insertions and removals; the fault path reads racily. */
static struct bh_lock lock;
static int table_full; /* warned */

static void take(void) { bh_lock_take(&lock); }
static void give(void) { bh_lock_give(&lock); }

static size_t slot_of(uintptr_t p) {
  return (size_t)((p >> 4) * 0x9e3779b97f4a7c15ull >> 48) & (SLOTS - 1);
}

void bh_record_init(char **envp, struct bh_state *s) {
  static const char var[] = "BULKHEAD_SHARE_RECORD=";
  const char *file = NULL;
  for (; envp && *envp; envp++)
    if (!strncmp(*envp, var, sizeof var - 1))
      file = *envp + sizeof var - 1;
  if (!file || !*file)
    return;
  int fd = open(file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) {
    bh_fatal("BULKHEAD_SHARE_RECORD: cannot open %s", file);
  }
  void *t = mmap(NULL, SLOTS * sizeof(struct bh_record), PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (t == MAP_FAILED)
    bh_fatal("BULKHEAD_SHARE_RECORD: cannot map the recorder's table");
  s->record_fd = fd;
  s->record = t;
  bh_write(
      "bulkhead: recording faults on compartment heap blocks for a sharing "
      "policy in ");
  bh_write(file);
  bh_write(" (BULKHEAD_SHARE_RECORD: a profiling mode, not isolation)\n");
}

void bh_record_alloc(int i, const void *p, size_t size, const void *caller) {
  struct bh_record *t = bh_state->record;
  uintptr_t frames[FRAMES + 8];
  int n = bh_backtrace(frames, FRAMES + 8, i), first = 0;
  /* Start at the caller of malloc and friends: drop the runtime's frames. */
  for (int k = 0; k < n; k++)
    if (frames[k] == (uintptr_t)caller) {
      first = k;
      break;
    }
  take();
  size_t s = slot_of((uintptr_t)p), probes = 0;
  while (t[s].start > TOMBSTONE && probes++ < SLOTS)
    s = (s + 1) & (SLOTS - 1);
  if (probes >= SLOTS) {
    give();
    if (!__atomic_exchange_n(&table_full, 1, __ATOMIC_RELAXED))
      bh_write(
          "bulkhead: warning: BULKHEAD_SHARE_RECORD: more live compartment "
          "allocations than the recorder tracks; the rest are not recorded\n");
    return;
  }
  t[s].size = size, t[s].told = 0;
  t[s].n = (uint32_t)(n - first > FRAMES ? FRAMES : n - first);
  memcpy(t[s].frame, frames + first, t[s].n * sizeof *frames);
  __atomic_store_n(&t[s].start, (uintptr_t)p, __ATOMIC_RELEASE);
  give();
}

void bh_record_free(const void *p) {
  struct bh_record *t = bh_state->record;
  take();
  size_t s = slot_of((uintptr_t)p), probes = 0;
  while (t[s].start && probes++ < SLOTS) {
    if (t[s].start == (uintptr_t)p) {
      __atomic_store_n(&t[s].start, TOMBSTONE, __ATOMIC_RELEASE);
      break;
    }
    s = (s + 1) & (SLOTS - 1);
  }
  give();
}

/* ------------------------------------------------------- the fault path */

struct line {
  char buf[4096];
  size_t len;
};

static void put(struct line *l, const char *s) {
  while (*s && l->len < sizeof l->buf - 1)
    l->buf[l->len++] = *s++;
}

static void put_num(struct line *l, uintptr_t v, int base) {
  char d[24], *p = d + sizeof d;
  *--p = 0;
  do
    *--p = "0123456789abcdef"[v % (unsigned)base];
  while (v /= (unsigned)base);
  put(l, p);
}

/* PATH+0xOFFSET, or ?+0xADDRESS outside every object known. */
static void put_code(struct line *l, uintptr_t pc) {
  const char *path = "?";
  uintptr_t off = pc;
  bh_code_module(pc, &path, &off);
  put(l, path);
  put(l, "+0x");
  put_num(l, off, 16);
}

/* Whether these addresses (a stack) were written out before. */
static int seen_before(const uintptr_t *v, size_t n) {
  static uintptr_t seen[512];
  uintptr_t h = 1469598103934665603ull;
  for (size_t k = 0; k < n; k++)
    h = (h ^ v[k]) * 1099511628211ull;
  h |= 1;
  for (size_t k = 0; k < sizeof seen / sizeof *seen; k++) {
    if (seen[k] == h)
      return 1;
    if (!seen[k]) {
      seen[k] = h;
      return 0;
    }
  }
  return 0; /* too many stacks to remember: write it again */
}

/* The live block of compartment i holding addr: appends its allocation
 * stack to the record file the first time it is seen. 0 if none. */
int bh_record_fault(int i, uintptr_t addr, uintptr_t pc) {
  struct bh_record *t = bh_state->record, *r = NULL;
  for (size_t s = 0; s < SLOTS && !r; s++) {
    uintptr_t start = __atomic_load_n(&t[s].start, __ATOMIC_ACQUIRE);
    if (start > TOMBSTONE && addr >= start && addr - start < t[s].size)
      r = &t[s];
  }
  if (!r || r->told)
    return r != NULL;
  r->told = 1;
  static struct line l;
  take();
  if (seen_before(r->frame, r->n)) {
    give();
    return 1;
  }
  l.len = 0;
  put(&l, "bulkhead-share-record: fault ");
  put(&l, bh_domain_at((size_t)i)->name);
  put(&l, " ");
  put_num(&l, r->size, 10);
  put(&l, " ");
  put_code(&l, pc);
  put(&l, "\n");
  for (uint32_t k = 0; k < r->n; k++) {
    put(&l, "bulkhead-share-record: alloc ");
    put_code(&l, r->frame[k]);
    put(&l, "\n");
  }
  put(&l, "bulkhead-share-record: end\n");
  if (write(bh_state->record_fd, l.buf, l.len) < 0)
    bh_write(
        "bulkhead: warning: BULKHEAD_SHARE_RECORD: cannot write the record\n");
  give();
  return 1;
}

/* A default-domain access at pc to addr on compartment i's stack: the
 * record names the frame holding addr, found by walking this thread's
 * stack with i's rights (the recorder's own gate; profiling only). */
void bh_record_stack_fault(int i, uintptr_t addr, uintptr_t pc) {
  uintptr_t ip[64], sp[64], key[2] = {pc, 0};
  bh_enter_index(i);
  int n = bh_backtrace_across(ip, sp, 64, i);
  bh_enter_index(-1);
  /* Frame j's memory runs from its stack pointer (the walker gives the
   * CFA of the frame it called) up to the next frame's on the same stack. */
  const struct bulkhead_domain *d = bh_domain_at((size_t)i);
  for (int j = 0; j < n && !key[1]; j++) {
    if (sp[j] <= (uintptr_t)d->stack_lo || sp[j] > (uintptr_t)d->stack_hi ||
        sp[j] > addr)
      continue;
    for (int k = j + 1; k < n; k++)
      if (sp[k] > (uintptr_t)d->stack_lo && sp[k] <= (uintptr_t)d->stack_hi) {
        if (sp[k] > addr)
          key[1] = ip[j];
        break;
      }
  }
  static struct line l;
  take();
  if (!seen_before(key, 2)) {
    l.len = 0;
    put(&l, "bulkhead-share-record: stack ");
    put(&l, d->name);
    put(&l, " ");
    put_code(&l, pc);
    put(&l, "\nbulkhead-share-record: frame ");
    put_code(&l, key[1]);
    put(&l, "\nbulkhead-share-record: end\n");
    if (write(bh_state->record_fd, l.buf, l.len) < 0)
      bh_write("bulkhead: warning: BULKHEAD_SHARE_RECORD: cannot write the "
               "record\n");
  }
  give();
}
