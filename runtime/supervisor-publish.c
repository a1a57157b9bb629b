/*
 * supervisor-publish.c - a compartment registered after start-up under the
 * filter gets its index (docs/shared-objects.md, step 6, piece 5): the
 * supervisor writes its gate-table entry (enter.c's index table: PKRU and
 * stack slot offset) and then its place in the table of compartments
 * (domain.c), through /proc/<pid>/mem, into the executable's read-only
 * pages, which are in the first filter's ranges since before the filter:
 * no store or system call of the program changes them, so what it reads
 * there is what start-up or the supervisor wrote, and what it writes
 * stays. The slot offset is the object's GOT word that the slot-address
 * function's fixed code names (BH_SLOT_ADDRESS_ASM, as dlopen.c decodes
 * it), read once both are on read-only pages of the object's filtered
 * span; key-0 stores before then could have chosen it, so it must lie in
 * the static TLS block, outside every block of an object loaded at
 * start-up, and be no other compartment's slot. Then, once per object,
 * its entry in the table's list of objects (obj[]) from its file's note,
 * after its imports (supervisor-imports.c); then the copies.
 */
#define _GNU_SOURCE
#include "syscalls.h"

#include <dlfcn.h>
#include <errno.h>
#include <link.h>
#include <string.h>
#include <unistd.h>

extern char bh_index_words[] __asm__(BH_SYM_INDEX_TABLE) BH_HIDDEN;

/* What the table of compartments names as a late compartment's object:
 * a string of the executable, at the same address in every fork. */
static const char late_object[] = "a shared object loaded with dlopen";

/* The size of the static TLS block below the thread pointer, the thread
 * control block included (glibc's; the supervisor's is the program's: it
 * is fixed after start-up, and the supervisor is a fork made after). */
static long static_tls_size(void) {
  void (*info)(size_t *, size_t *) = (void (*)(size_t *, size_t *))dlsym(
      RTLD_DEFAULT, "_dl_get_tls_static_info");
  size_t size = 0, align = 0;
  if (info)
    info(&size, &align);
  return size > 0 && size < (1u << 30) ? (long)size : -1;
}

/* Whether [off, off + 8) overlaps the static TLS block of an object
 * loaded at start-up (the supervisor's are the program's: the executable,
 * its slots for the default domain and the runtime among them, libc, ...):
 * the same offsets in every thread. */
struct tls_probe {
  char *tp;
  long off;
  int hit;
};
static int probe(struct dl_phdr_info *info, size_t size, void *arg) {
  struct tls_probe *p = arg;
  (void)size;
  for (int j = 0; j < info->dlpi_phnum; j++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[j];
    if (ph->p_type != PT_TLS || !info->dlpi_tls_data)
      continue;
    long lo = (char *)info->dlpi_tls_data - p->tp;
    if (p->off + 8 > lo && p->off < lo + (long)ph->p_memsz)
      p->hit = 1;
  }
  return p->hit;
}
static int startup_tls(long off) {
  struct tls_probe p = {NULL, off, 0};
  __asm__("movq %%fs:0, %0" : "=r"(p.tp));
  dl_iterate_phdr(probe, &p);
  return p.hit;
}

static int in_span(uintptr_t a, size_t len, uintptr_t lo, uintptr_t hi) {
  return a >= lo && a + len >= a && a + len <= hi;
}

/* The slot offset compartment d's code uses, or 0. */
static long slot_offset(pid_t tid, pid_t tgid, const struct bulkhead_domain *d,
                        uintptr_t olo, uintptr_t ohi) {
  static const unsigned char mov[] = {0x48, 0x8b, 0x05},
                             rest[] = {0x64, 0x48, 0x03, 0x04, 0x25,
                                       0,    0,    0,    0,    0xc3};
  uintptr_t f = (uintptr_t)d->slot_address;
  unsigned char code[BH_SLOT_ADDRESS_SIZE];
  if (!in_span(f, sizeof code, olo, ohi) ||
      !bh_readonly_private(tgid, f & ~(uintptr_t)(BH_PAGE - 1),
                           f + sizeof code) ||
      bh_task_read(tid, f, code, sizeof code) ||
      memcmp(code, mov, sizeof mov) || memcmp(code + 7, rest, sizeof rest))
    return 0;
  int32_t rel;
  memcpy(&rel, code + 3, sizeof rel);
  uintptr_t got = f + 7 + (uintptr_t)(intptr_t)rel;
  long off;
  if (!in_span(got, sizeof off, olo, ohi) ||
      !bh_readonly_private(tgid, got & ~(uintptr_t)(BH_PAGE - 1),
                           got + sizeof off) ||
      bh_task_read(tid, got, &off, sizeof off))
    return 0;
  return off;
}

int bh_publish_compartment(int mem, pid_t tgid, pid_t tid,
                           const struct bulkhead_domain *d, uintptr_t desc,
                           int index, uintptr_t olo, uintptr_t ohi) {
  uintptr_t table = (uintptr_t)&bh_domain_table.t,
            words = (uintptr_t)bh_index_words;
  uint64_t count;
  long slots[BH_INDEX_ENTRIES];
  if (bh_task_read(tid, table + BH_DOMAIN_TABLE_COUNT, &count, sizeof count) ||
      bh_task_read(tid, words + BH_INDEX_SLOT_TPOFF, slots, sizeof slots))
    return EIO;
  if (index < 0 || index >= BH_MAX_COMPARTMENTS || count != (uint64_t)index)
    return EINVAL; /* published in order, each index once */
  /* The slot: in the static TLS block (below the thread pointer, 8-byte
   * aligned; the bound counts glibc's thread control block too, so it may
   * reach that much key-0 memory below the block: the thread's stack, or
   * ld.so's allocation for the first thread), in no start-up object's
   * block, and no compartment's before it. */
  long off = slot_offset(tid, tgid, d, olo, ohi), size = static_tls_size();
  if (!off || size < 0 || off > -8 || off < -size || off % 8 ||
      startup_tls(off))
    return EINVAL;
  for (int j = 0; j < index; j++)
    if (slots[j] == off)
      return EINVAL;
  uint32_t pkru = d->pkru;
  uintptr_t dp = desc, op = (uintptr_t)late_object;
  uint64_t next = count + 1;
  /* The gate entry first, then the table's entry, then the count that
   * makes both reachable (one byte changes: no torn count). */
  if (pwrite(mem, &pkru, sizeof pkru,
             (off_t)(words + BH_INDEX_PKRU + 4 * (uintptr_t)index)) !=
          sizeof pkru ||
      pwrite(mem, &off, sizeof off,
             (off_t)(words + BH_INDEX_SLOT_TPOFF + 8 * (uintptr_t)index)) !=
          sizeof off ||
      pwrite(mem, &dp, sizeof dp,
             (off_t)(uintptr_t)&bh_domain_table.t.domain[index]) != sizeof dp ||
      pwrite(mem, &op, sizeof op,
             (off_t)(uintptr_t)&bh_domain_table.t.object[index]) != sizeof op ||
      pwrite(mem, &next, sizeof next, (off_t)(table + BH_DOMAIN_TABLE_COUNT)) !=
          sizeof next)
    return EIO;
  return 0;
}

/* The copies' last two pages, the index table and the table of
 * compartments, from buf. */
static int write_tables(int mem, const char *buf, uintptr_t c) {
  size_t len = BH_COPY_SIZE - BH_COPY_INDEX_TABLE;
  return pwrite(mem, buf + BH_COPY_INDEX_TABLE, len,
                (off_t)(c + BH_COPY_INDEX_TABLE)) == (ssize_t)len
             ? 0
             : EIO;
}

int bh_write_copies(int mem, pid_t tgid, pid_t tid, uintptr_t c) {
  _Static_assert(BH_COPY_DOMAIN_TABLE == BH_COPY_INDEX_TABLE + BH_PAGE &&
                     BH_COPY_SIZE == BH_COPY_DOMAIN_TABLE + BH_PAGE,
                 "the tables are the copies' last two pages");
  static char buf[BH_COPY_SIZE];
  if (!bh_readonly_private(tgid, c, c + BH_COPY_SIZE))
    return EACCES;
  /* The runtime's words as the supervisor holds them (a fork of the
   * program after start-up: the same, at the same addresses); the two
   * tables as this process holds them, published since. */
  memset(buf, 0, sizeof buf);
  bh_build_copies(buf);
  if (bh_task_read(tid, (uintptr_t)bh_index_words, buf + BH_COPY_INDEX_TABLE,
                   BH_PAGE) ||
      bh_task_read(tid, (uintptr_t)&bh_domain_table, buf + BH_COPY_DOMAIN_TABLE,
                   BH_PAGE))
    return EIO;
  if (pwrite(mem, buf, sizeof buf, (off_t)c) != (ssize_t)sizeof buf)
    return EIO;
  /* The objects registered at start-up (the supervisor's own table: the
   * same objects at the same addresses), then those recorded. */
  const struct bh_domain_table *t = &bh_domain_table.t;
  for (size_t k = 0; k < t->objects && k < BH_MAX_COMPARTMENTS; k++)
    if (write_tables(mem, buf, (uintptr_t)t->obj[k].copies))
      return EIO;
  uintptr_t other[BH_MAX_COMPARTMENTS];
  int n = bh_registered_copies(tgid, other, BH_MAX_COMPARTMENTS);
  for (int i = 0; i < n; i++)
    if (other[i] != c &&
        (!bh_readonly_private(tgid, other[i], other[i] + BH_COPY_SIZE) ||
         write_tables(mem, buf, other[i])))
      return EIO;
  return 0;
}

int bh_object_entry(pid_t tgid, uintptr_t base, uintptr_t olo, uintptr_t ohi,
                    struct bh_object *o) {
  uintptr_t n[BH_NOTE_DESC_SIZE / 8];
  const char *why;
  if (bh_object_file_note(tgid, base, n, &why))
    return ENOEXEC;
  *o = (struct bh_object){
      .base = base,
      .copies = (char *)n[BH_NOTE_COPIES / 8],
      .domains_lo = (char *)n[BH_NOTE_DOMAINS_START / 8],
      .domains_hi = (char *)n[BH_NOTE_DOMAINS_STOP / 8],
      .imports_lo = (char *)n[BH_NOTE_IMPORTS_START / 8],
      .imports_hi = (char *)n[BH_NOTE_IMPORTS_STOP / 8],
      .defaults_lo = (const char *)n[BH_NOTE_DEFAULTS_START / 8],
      .defaults_hi = (const char *)n[BH_NOTE_DEFAULTS_STOP / 8],
      .share_lo = (const int32_t *)n[BH_NOTE_SHARE_START / 8],
      .share_hi = (const int32_t *)n[BH_NOTE_SHARE_STOP / 8],
      .own_lo = (const int32_t *)n[BH_NOTE_OWN_CODE_START / 8],
      .own_hi = (const int32_t *)n[BH_NOTE_OWN_CODE_STOP / 8]};
  uintptr_t dlo = n[BH_NOTE_DOMAINS_START / 8],
            dhi = n[BH_NOTE_DOMAINS_STOP / 8],
            ilo = n[BH_NOTE_IMPORTS_START / 8],
            ihi = n[BH_NOTE_IMPORTS_STOP / 8],
            flo = n[BH_NOTE_DEFAULTS_START / 8],
            fhi = n[BH_NOTE_DEFAULTS_STOP / 8], c = n[BH_NOTE_COPIES / 8],
            wlo = n[BH_NOTE_OWN_CODE_START / 8],
            whi = n[BH_NOTE_OWN_CODE_STOP / 8];
  /* As registration checks a note (domain.c register_object), in the
   * filtered span; no sharing policy (not supported after start-up). */
  if (dhi <= dlo || dlo % BH_PAGE || (dhi - dlo) % BH_DOMAIN_SIZE ||
      !in_span(dlo, dhi - dlo, olo, ohi) || ihi <= ilo || ilo % BH_PAGE ||
      ihi % BH_PAGE || ihi - ilo > BH_IMPORTS_MAX ||
      !in_span(ilo, ihi - ilo, olo, ohi) || fhi < flo ||
      fhi - flo > BH_DEFAULTS_MAX ||
      (fhi > flo && !in_span(flo, fhi - flo, olo, ohi)) ||
      n[BH_NOTE_SHARE_STOP / 8] != n[BH_NOTE_SHARE_START / 8] || whi < wlo ||
      wlo % 4 || (whi - wlo) % 4 ||
      (whi > wlo && !in_span(wlo, whi - wlo, olo, ohi)) || c % BH_PAGE ||
      !in_span(c, BH_COPY_SIZE, olo, ohi))
    return EINVAL;
  /* What the supervisor writes, read-only already, so that once written
   * nothing but it changes them. */
  if (!bh_readonly_private(tgid, c, c + BH_COPY_SIZE) ||
      !bh_readonly_private(tgid, ilo, ihi))
    return EACCES;
  return 0;
}

/* Whether the process's table lists o's object: 1 as o, 0 not at all (*n
 * entries); an errno if it lists another entry at its base. */
static int listed(pid_t tid, const struct bh_object *o, size_t *n) {
  static union bh_domain_table_page pt;
  if (bh_task_read(tid, (uintptr_t)&bh_domain_table.t, &pt, sizeof pt) ||
      pt.t.objects > BH_MAX_COMPARTMENTS)
    return EIO;
  *n = pt.t.objects;
  for (size_t k = 0; k < pt.t.objects; k++)
    if (pt.t.obj[k].base == o->base)
      return memcmp(&pt.t.obj[k], o, sizeof *o) ? EINVAL : 1;
  return 0;
}

int bh_object_unlike_listed(pid_t tid, const struct bh_object *o) {
  size_t n;
  int r = listed(tid, o, &n);
  return r == 1 ? 0 : r;
}

int bh_publish_object(int mem, pid_t tgid, pid_t tid,
                      const struct bh_object *o) {
  /* Once per object: another compartment of it, or a parent before the
   * fork, wrote it (imports first), as the note said at this grant's
   * give, or refused. */
  size_t objects;
  int r = listed(tid, o, &objects);
  if (r)
    return r == 1 ? 0 : r;
  if (objects == BH_MAX_COMPARTMENTS)
    return ENOSPC;
  int err = bh_write_imports(mem, tgid, tid, o);
  if (err)
    return err;
  /* The entry, then the count that makes it reachable. */
  uint64_t next = objects + 1;
  if (pwrite(mem, o, sizeof *o,
             (off_t)(uintptr_t)&bh_domain_table.t.obj[objects]) !=
          (ssize_t)sizeof *o ||
      pwrite(mem, &next, sizeof next,
             (off_t)(uintptr_t)&bh_domain_table.t.objects) != sizeof next)
    return EIO;
  return 0;
}
