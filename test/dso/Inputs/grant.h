/* grant.h - what the tests that drive a hardened registration by hand
 * share (key-grant.c, the review 13b attacks): the object mapped as ld.so
 * and registration would leave it (map-object.h; its slot's GOT word set
 * and read-only, its copies and imports read-only), the supervisor's requests,
 * and the reserved key's arena and heap region. Include after the runtime's
 * internal.h and syscalls.h. */
#ifndef BULKHEAD_TEST_GRANT_H
#define BULKHEAD_TEST_GRANT_H

#include <errno.h>
#include <inttypes.h>
#include <linux/seccomp.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "map-object.h"

static uintptr_t data_lo, data_hi; /* the first compartment's data */
static int mapped;                 /* objects mapped so far */
static uintptr_t got_word;         /* its slot's GOT word */

/* Below every start-up object's static TLS block: the surplus ld.so gives
 * a dlopen'ed object's initial-exec TLS from. */
static int lowest_block(struct dl_phdr_info *info, size_t size, void *arg) {
  long *low = arg;
  char *tp;
  (void)size;
  __asm__("movq %%fs:0, %0" : "=r"(tp));
  if (info->dlpi_tls_data && (char *)info->dlpi_tls_data - tp < *low)
    *low = (char *)info->dlpi_tls_data - tp;
  return 0;
}
/* The slot offset of copy k of the object. */
static long spare_slot(int k) {
  long low = 0;
  dl_iterate_phdr(lowest_block, &low);
  return (low & ~7l) - 64 * (k + 1);
}

/* The GOT word the slot-address function's code names
 * (BH_SLOT_ADDRESS_ASM), set as ld.so would (its TPOFF relocation) and
 * made read-only as RELRO. */
static void set_slot_word(long off) {
  uintptr_t pg = got_word & ~4095ul;
  if (mprotect((void *)pg, 4096, PROT_READ | PROT_WRITE))
    exit(3);
  memcpy((void *)got_word, &off, sizeof off);
  if (mprotect((void *)pg, 4096, PROT_READ))
    exit(3);
}

/* The object mapped as ld.so maps it (map-object.h), and its first
 * compartment's data bounds; its slot in static TLS of its own. */
static void map_vault(const char *path) {
  map_object(path);
  const struct bulkhead_domain *d = (const struct bulkhead_domain *)desc;
  data_lo = (uintptr_t)d->data_start, data_hi = (uintptr_t)d->data_end;
  const unsigned char *f = (const unsigned char *)(uintptr_t)d->slot_address;
  int32_t rel;
  memcpy(&rel, f + 3, sizeof rel);
  got_word = (uintptr_t)f + 7 + (uintptr_t)(intptr_t)rel;
  set_slot_word(spare_slot(mapped++));
  /* its copies and imports, read-only as registration will leave them */
  if (mprotect((void *)copies, BH_COPY_SIZE, PROT_READ) ||
      mprotect((void *)imports_lo, imports_hi - imports_lo, PROT_READ))
    exit(3);
}

static long request(long op, uintptr_t a, uintptr_t b) {
  return syscall(SYS_ioctl, BH_REQUEST_FD, op, a, b);
}
static long give(void) { return request(BH_KEY_GIVE, base, desc); }
static long done(long key) { return request(BH_KEY_DONE, (uintptr_t)key, 0); }
static long tag(uintptr_t a, size_t len, int prot, long key) {
  return syscall(SYS_pkey_mprotect, a, len, prot, key);
}

/* The object's own filter (piece 4): the supervisor writes it into the
 * policy's page, the process installs it from there for every thread,
 * the supervisor checks it did. */
static long protect(void) {
  long w = syscall(SYS_ioctl, BH_REQUEST_FD, (long)BH_FILTER_WRITE, base, 0);
  int we = errno;
  long s = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
                   SECCOMP_FILTER_FLAG_TSYNC, bh_policy->filter_page);
  long c = syscall(SYS_ioctl, BH_REQUEST_FD, (long)BH_FILTER_CHECK, 0, 0);
  printf("protect: write %ld, seccomp %ld, check %ld%s%s\n", w, s, c,
         w ? " " : "", w ? strerror(we) : "");
  return w || s || c;
}

/* A field of the line of FILE that starts with NAME (sscanf format FMT),
 * for the mapping that holds a when a is not 0. */
static int proc_field(const char *file, uintptr_t a, const char *fmt,
                      long *out) {
  FILE *f = fopen(file, "r");
  char *line = NULL;
  size_t cap = 0;
  int in = !a, found = 0;
  while (f && !found && getline(&line, &cap, f) > 0) {
    uintptr_t lo, hi;
    char p[8];
    if (a && sscanf(line, "%" SCNxPTR "-%" SCNxPTR " %7s", &lo, &hi, p) == 3)
      in = lo <= a && a < hi;
    else if (in)
      found = sscanf(line, fmt, out) == 1;
  }
  free(line);
  if (f)
    fclose(f);
  return found;
}
/* The key of the mapping that holds a (/proc/self/smaps), or -1. */
static int key_at(uintptr_t a) {
  long key = -1;
  return proc_field("/proc/self/smaps", a, "ProtectionKey: %ld", &key)
             ? (int)key
             : -1;
}
/* This thread's count of seccomp filters, or -1. */
static long my_filters(void) {
  long c = -1;
  return proc_field("/proc/thread-self/status", 0, "Seccomp_filters: %ld", &c)
             ? c
             : -1;
}

/* Which reserved key a key is, its stack arena and its heap region. */
static int slot_of(long key) {
  for (int s = 0; s < bh_state->reserved_keys; s++)
    if (bh_state->reserved_key[s] == key)
      return s;
  return -1;
}
static uintptr_t arena(int s) {
  return bh_state->arena_lo + (uintptr_t)s * BH_ARENA_SIZE;
}
static void region(int s, uintptr_t *lo, uintptr_t *hi) {
  uintptr_t rlo, rhi;
  bh_heap_reserved(&rlo, &rhi);
  uintptr_t slice = (rhi - rlo) / (uintptr_t)bh_state->reserved_keys;
  *lo = rlo + (uintptr_t)s * slice, *hi = *lo + slice;
}

/* Registration's four tags for key (reserved slot s), in its order: the
 * arena's guard page, the rest of the arena, the heap region, the first
 * compartment's data. Each answer in t, its errno in e (if e). */
static void tag_four(int s, long key, long t[4], int e[4]) {
  uintptr_t hlo, hhi;
  region(s, &hlo, &hhi);
  const struct {
    uintptr_t a;
    size_t len;
    int prot;
  } what[4] = {{arena(s), 4096, PROT_READ},
               {arena(s) + 4096, BH_ARENA_SIZE - 4096, PROT_NONE},
               {hlo, hhi - hlo, PROT_READ | PROT_WRITE},
               {data_lo, data_hi - data_lo, PROT_READ | PROT_WRITE}};
  for (int i = 0; i < 4; i++) {
    t[i] = tag(what[i].a, what[i].len, what[i].prot, key);
    if (e)
      e[i] = errno;
  }
}

/* The whole grant as registration makes it, each step printed;
 * before_done (if any) runs between the tags and BH_KEY_DONE. The key and
 * its slot (-1: none given, and nothing more done) in *keyp and *slotp;
 * returns BH_KEY_DONE's answer. */
static long grant_steps(void (*before_done)(void), long *keyp, int *slotp) {
  long key = *keyp = give(), t[4];
  int s = *slotp = slot_of(key);
  printf("give: %s\n", s >= 0 ? "a reserved key" : strerror(errno));
  if (s < 0)
    return -1;
  tag_four(s, key, t, NULL);
  printf("tags: %ld %ld %ld %ld\n", t[0], t[1], t[2], t[3]);
  if (before_done)
    before_done();
  long index = done(key);
  if (index < 0)
    printf("done: %ld (%s)\n", index, strerror(errno));
  else
    printf("done: index %ld\n", index);
  return index;
}

#endif
