/* Review 13c, attacker model B (the default domain's program counter: raw
 * mmap, mprotect, pkey_mprotect and requests on BH_REQUEST_FD; and a file
 * of its own, argv[1], a compartment object whose data bounds it edited).
 * The key grant (runtime/supervisor-keys.c) lets the tag of the data,
 * pkey_mprotect(data, PROT_READ | PROT_WRITE, key), reach any page the
 * file's data bounds name, and BH_KEY_DONE then writes the file's bytes
 * there: nothing keeps the data off the pages the supervisor itself
 * requires read-only and writes.
 *   data-over-desc: the data's end moved one page on, over the object's
 *     own descriptor page. The grant completes; the descriptor page is
 *     left read-write with the new key, so the compartment (its own code,
 *     or its rights through __bulkhead_enter_index, threat-model.md) can
 *     rewrite its PKRU word, which an object's checked gates compare
 *     against (shared-objects.md, "a checked gate of a shared object only
 *     if its word lies on that object's registered pages").
 *   data-over-other: the data moved to a page of the file's writable
 *     segment, and the file mapped twice (mapped_from accepts any page of
 *     the file, at any offset; the spans of two objects may overlap) so
 *     that the second copy's data is the first copy's descriptor page,
 *     already written and published by the supervisor. The second grant
 *     retags that page with the second key, read-write, and the
 *     supervisor writes the second copy's data bytes over the first
 *     compartment's descriptor.
 *   copies-over-desc: the note's copies offset moved so that the copies'
 *     window covers the descriptor page (bh_copies_at asks only for
 *     read-only private pages of the span). BH_KEY_DONE writes the
 *     descriptor, publishes the index with the right PKRU, then writes
 *     the copies whole: the copy of the gate table lands on the
 *     descriptor, whose PKRU word becomes entry 0's, the rights of the
 *     program's own compartment, while the table of compartments names
 *     it as this compartment's descriptor.
 * Each case runs in a fork of its own. */
#define _GNU_SOURCE
#include <bulkhead.h>
#include "../../../runtime/internal.h"
#include "../../../runtime/syscalls.h"
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "grant.h"

BULKHEAD_DATA(local) static int local_secret = 7;
BULKHEAD_ENTRY(local) int local_get(void) { return local_secret; }

/* The whole grant (grant.h); returns BH_KEY_DONE's answer, -1 if no key. */
static long grant(long *keyp) {
  int s;
  return grant_steps(NULL, keyp, &s);
}

/* One page of the file (offset off) at a, with prot. */
static void place(int fd, uintptr_t a, uintptr_t off, int prot) {
  if (mmap((void *)a, 4096, prot, MAP_PRIVATE | MAP_FIXED, fd, (off_t)off) ==
      MAP_FAILED)
    exit(3);
}

/* The permissions of the mapping that holds a (/proc/self/maps). */
static const char *perms_at(uintptr_t a) {
  static char p[8];
  FILE *f = fopen("/proc/self/maps", "r");
  char line[4096];
  strcpy(p, "none");
  while (f && fgets(line, sizeof line, f)) {
    uintptr_t lo, hi;
    char q[8];
    if (sscanf(line, "%" SCNxPTR "-%" SCNxPTR " %7s", &lo, &hi, q) == 3 &&
        lo <= a && a < hi)
      strcpy(p, q);
  }
  if (f)
    fclose(f);
  return p;
}

/* A descriptor's PKRU word, read with compartment index's rights (the
 * compartment's own code would; the default domain cannot read a page
 * of that key); with write, the word is set to 0 (every key open) first. */
static uint32_t pkru_word(uintptr_t d, int index, int write) {
  volatile uint32_t *w = (volatile uint32_t *)d;
  bh_enter_index(index);
  if (write)
    *w = 0;
  uint32_t v = *w;
  bh_enter_index(-1); /* past the last index: the default domain's */
  return v;
}

static void data_over_desc(void) {
  printf("data [+%#lx, +%#lx), descriptor at +%#lx\n", data_lo - base,
         data_hi - base, desc - base);
  if (protect())
    exit(1);
  long key;
  long index = grant(&key);
  if (index < 0)
    return;
  printf("descriptor page: %s, key %s\n", perms_at(desc),
         key_at(desc) == key ? "the new one" : "other");
  uint32_t before = pkru_word(desc, (int)index, 0);
  uint32_t after = pkru_word(desc, (int)index, 1);
  printf("the compartment rewrote its descriptor's PKRU word: %#x -> %#x\n",
         before, after);
}


static void data_over_other(const char *path) {
  /* The file's layout, from a scratch copy (map-object.h). */
  map_object(path);
  const struct bulkhead_domain *sd = (const struct bulkhead_domain *)desc;
  uintptr_t desc_v = desc - base, copies_v = copies - base,
            im_v = imports_lo - base, im_len = imports_hi - imports_lo,
            dv = (uintptr_t)sd->data_start - base,
            dlen = (uintptr_t)(sd->data_end - sd->data_start),
            fn_v = (uintptr_t)sd->slot_address - base;
  int32_t rel;
  memcpy(&rel, (const char *)sd->slot_address + 3, sizeof rel);
  uintptr_t got_v = fn_v + 7 + (uintptr_t)(intptr_t)rel;
  printf("data [+%#lx, +%#lx), descriptor at +%#lx\n", dv, dv + dlen, desc_v);
  if (dlen != 4096 || dv >= desc_v)
    exit(3);
  /* Two copies, Y at X's base minus (descriptor - data): X's data is Y's
   * descriptor page. Each page the supervisor looks at is placed by hand;
   * the rest of both spans stays inaccessible. */
  uintptr_t delta = desc_v - dv, span = copies_v + BH_COPY_SIZE;
  char *r = mmap(NULL, span + delta + 4096, PROT_NONE,
                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (r == MAP_FAILED)
    exit(3);
  uintptr_t bx = (uintptr_t)r + delta, by = (uintptr_t)r;
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  uintptr_t bases[2] = {by, bx};
  for (int k = 0; k < 2; k++) {
    uintptr_t b = bases[k];
    place(fd, b, 0, PROT_READ);                             /* header */
    place(fd, b + (fn_v & ~4095ul), fn_v & ~4095ul, PROT_READ); /* code */
    /* the GOT's page: mapped from the file's offset for it (vaddr ==
     * offset + 0x1000 in this layout), the word set as ld.so would */
    uintptr_t gp = got_v & ~4095ul;
    place(fd, b + gp, gp - 0x1000, PROT_READ | PROT_WRITE);
    long off = spare_slot(k);
    memcpy((void *)(b + got_v), &off, sizeof off);
    if (mprotect((void *)(b + gp), 4096, PROT_READ))
      exit(3);
  }
  /* Y: data (a page of the file, read-write), descriptor, copies and
   * imports (read-only, as BH_KEY_GIVE requires: the reserved pages, or
   * X's header page where it lies there) */
  place(fd, by + dv, dv - 0x1000, PROT_READ | PROT_WRITE);
  place(fd, by + desc_v, desc_v - 0x1000, PROT_READ);
  if (mmap((void *)(by + copies_v), BH_COPY_SIZE, PROT_READ,
           MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS, -1, 0) == MAP_FAILED)
    exit(3);
  if (mprotect((void *)(by + im_v), im_len, PROT_READ))
    exit(3);
  /* X: its data is Y's descriptor page already; its descriptor, copies */
  if (bx + dv != by + desc_v)
    exit(3);
  place(fd, bx + desc_v, desc_v - 0x1000, PROT_READ);
  if (mmap((void *)(bx + copies_v), BH_COPY_SIZE, PROT_READ,
           MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS, -1, 0) == MAP_FAILED)
    exit(3);
  close(fd);
  /* Y: filter, grant; its descriptor written and published. */
  base = by, desc = by + desc_v, data_lo = by + dv, data_hi = data_lo + dlen;
  if (protect())
    exit(1);
  long ky, kx;
  long iy = grant(&ky);
  if (iy < 0)
    exit(1);
  uint32_t written = pkru_word(by + desc_v, (int)iy, 0);
  printf("Y's descriptor: %s, key %s, PKRU word the given key's: %d\n",
         perms_at(by + desc_v), key_at(by + desc_v) == 0 ? "0" : "other",
         written == (__bulkhead_domain0.pkru & ~(3u << (2 * ky))));
  /* X: filter, grant, its data over Y's descriptor. */
  base = bx, desc = bx + desc_v, data_lo = bx + dv, data_hi = data_lo + dlen;
  if (protect())
    exit(1);
  long ix = grant(&kx);
  if (ix < 0)
    return;
  printf("Y's descriptor, table entry %d: %s, key %s\n",
         bh_domain_at((size_t)iy) == (struct bulkhead_domain *)(by + desc_v),
         perms_at(by + desc_v), key_at(by + desc_v) == kx ? "X's" : "other");
  uint32_t now = pkru_word(by + desc_v, (int)ix, 0);
  printf("Y's descriptor's PKRU word: %s\n",
         now == written ? "as the supervisor wrote it"
                        : "overwritten with X's data bytes");
}

/* The copies' window moved (the note's copies offset) two pages down, so
 * that its middle page, where BH_KEY_DONE writes the copy of the gate
 * table, is the descriptor's page; the data moved off it. The pages
 * around the descriptor made read-only as the copies must be. */
static void copies_over_desc(void) {
  printf("data [+%#lx, +%#lx), descriptor at +%#lx\n", data_lo - base,
         data_hi - base, desc - base);
  if (mprotect((void *)(desc - 4096), 4096, PROT_READ) ||
      mprotect((void *)(desc + 4096), 4096, PROT_READ))
    exit(3);
  if (protect())
    exit(1);
  long key;
  long index = grant(&key);
  if (index < 0)
    return;
  extern const char index_words[] __asm__("__bulkhead_index_table");
  const struct bulkhead_domain *d = (const struct bulkhead_domain *)desc;
  uint32_t pkru0, own = __bulkhead_domain0.pkru & ~(3u << (2 * key));
  memcpy(&pkru0, index_words, sizeof pkru0);
  printf("table entry %ld names the descriptor: %d\n", index,
         bh_domain_at((size_t)index) == d);
  printf("its PKRU word: %s\n",
         d->pkru == own     ? "its own"
         : d->pkru == pkru0 ? "compartment 0's (local)"
                            : "other");
}

/* The object's span stretched (its writable PT_LOAD's memsz, in a file
 * the program writes) from a base below the executable over the
 * executable's protected pages, and the note's copies offset moved onto
 * three read-only pages there whose middle one is the table of
 * compartments (or whose first one is): BH_KEY_DONE writes the copies
 * there. */
static void copies_over_exe(const char *path) {
  uintptr_t t = (uintptr_t)&bh_domain_table & ~4095ul, c = 0;
  uintptr_t cand[2] = {t - 4096, t};
  for (int k = 0; k < 2 && !c; k++) {
    int ro = 1;
    for (int j = 0; j < 3; j++)
      ro = ro && !strcmp(perms_at(cand[k] + 4096 * (uintptr_t)j), "r--p");
    if (ro)
      c = cand[k];
  }
  printf("window: %s\n", !c ? "none" : c == t ? "at the table" : "table 2nd");
  if (!c)
    return;
  /* the layout, from a scratch copy of the file */
  map_object(path);
  const struct bulkhead_domain *sd = (const struct bulkhead_domain *)desc;
  uintptr_t desc_v = desc - base, dv = (uintptr_t)sd->data_start - base,
            dend = (uintptr_t)sd->data_end - base,
            fn_v = (uintptr_t)sd->slot_address - base;
  int32_t rel;
  memcpy(&rel, (const char *)sd->slot_address + 3, sizeof rel);
  uintptr_t got_v = fn_v + 7 + (uintptr_t)(intptr_t)rel;
  uintptr_t bx = ((t & ~((1ul << 30) - 1)) - (1ul << 30));
  /* the file, rewritten */
  int in = open(path, O_RDONLY | O_CLOEXEC);
  static unsigned char buf[1 << 20];
  ssize_t n = read(in, buf, sizeof buf);
  close(in);
  if (n <= 0)
    exit(3);
  Elf64_Ehdr *eh = (Elf64_Ehdr *)buf;
  Elf64_Phdr *ph = (Elf64_Phdr *)(buf + eh->e_phoff);
  int patched = 0;
  for (int i = 0; i < eh->e_phnum; i++) {
    if (ph[i].p_type == PT_LOAD && ph[i].p_flags & PF_W)
      ph[i].p_memsz = c + 3 * 4096 - bx - ph[i].p_vaddr;
    if (ph[i].p_type != PT_NOTE)
      continue;
    for (uint64_t at = 0; at + 12 <= ph[i].p_filesz;) {
      Elf64_Nhdr *nh = (Elf64_Nhdr *)(buf + ph[i].p_offset + at);
      uint64_t name = at + 12, d = name + ((nh->n_namesz + 3) & ~3u);
      if (nh->n_type == BH_NOTE_TYPE_OBJECT &&
          !memcmp(buf + ph[i].p_offset + name, BH_NOTE_NAME,
                  sizeof BH_NOTE_NAME)) {
        int64_t off = (int64_t)(c - bx) - (int64_t)(ph[i].p_vaddr + d);
        memcpy(buf + ph[i].p_offset + d + BH_NOTE_COPIES, &off, sizeof off);
        patched = 1;
      }
      at = d + ((nh->n_descsz + 3) & ~3u);
    }
  }
  char out[4096];
  snprintf(out, sizeof out, "%s.stretched", path);
  int fd = open(out, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (!patched || fd < 0 || write(fd, buf, (size_t)n) != n)
    exit(3);
  /* X below the executable: header, code, GOT word, data, descriptor */
  if (mmap((void *)bx, 0x10000, PROT_NONE,
           MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1,
           0) != (void *)bx)
    exit(3);
  place(fd, bx, 0, PROT_READ);
  place(fd, bx + (fn_v & ~4095ul), fn_v & ~4095ul, PROT_READ);
  uintptr_t gp = got_v & ~4095ul;
  place(fd, bx + gp, gp - 0x1000, PROT_READ | PROT_WRITE);
  long slot = spare_slot(0);
  memcpy((void *)(bx + got_v), &slot, sizeof slot);
  for (uintptr_t a = dv; a < dend; a += 4096)
    place(fd, bx + a, a - 0x1000, PROT_READ | PROT_WRITE);
  place(fd, bx + desc_v, desc_v - 0x1000, PROT_READ);
  if (mprotect((void *)(bx + gp), 4096, PROT_READ))
    exit(3);
  close(fd);
  base = bx, desc = bx + desc_v, data_lo = bx + dv, data_hi = bx + dend;
  size_t before = bh_domain_count();
  if (protect())
    exit(1);
  long key;
  if (grant(&key) < 0)
    return;
  printf("table of compartments' count: %zu before, %s after\n", before,
         bh_domain_count() == before + 1 ? "one more" : "overwritten");
}

int main(int argc, char **argv) {
  if (argc < 3)
    return 2;
  setvbuf(stdout, NULL, _IONBF, 0);
  for (int i = 2; i < argc; i++) {
    printf("== %s\n", argv[i]);
    pid_t p = fork();
    if (p == 0) {
      dup2(1, 2);
      if (!strcmp(argv[i], "data-over-desc")) {
        map_vault(argv[1]);
        if (mprotect((void *)desc, 4096, PROT_READ))
          exit(3);
        data_over_desc();
      } else if (!strcmp(argv[i], "copies-over-desc")) {
        map_vault(argv[1]);
        if (mprotect((void *)desc, 4096, PROT_READ))
          exit(3);
        copies_over_desc();
      } else if (!strcmp(argv[i], "copies-over-exe")) {
        copies_over_exe(argv[1]);
      } else {
        data_over_other(argv[1]);
      }
      printf("not refused\n");
      _exit(0);
    }
    int st;
    waitpid(p, &st, 0);
    if (WIFSIGNALED(st))
      printf("signal %d\n", WTERMSIG(st));
    else
      printf("exit %d\n", WEXITSTATUS(st));
  }
  return local_get() == 7 ? 0 : 1;
}
