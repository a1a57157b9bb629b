/*
 * object-file.c - a shared object as its file says it is, never as
 * key-0 memory says (docs/shared-objects.md, step 6): registration of a
 * dlopen'ed object puts its compartments' data back from the file once the
 * data has its key (review 10: the data was key-0 memory from ld.so's
 * mapping until then, and another thread could rewrite it). Written for
 * any process, so the supervisor can use it for the hardened case
 * (pieces 3 to 6): the file is found from the kernel's list of mappings
 * (/proc/<pid>/maps) and opened by its path, then checked to be the mapped
 * file (device and inode); /proc/<pid>/map_files would need
 * CAP_SYS_ADMIN or CAP_CHECKPOINT_RESTORE.
 */
#define _GNU_SOURCE
#include "internal.h"

#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

struct open_walk {
  uintptr_t base;
  unsigned long long *id;
  const char **why;
  int fd;
};

static int open_line(const struct bh_map *m, void *ctx) {
  struct open_walk *w = ctx;
  if (m->lo != w->base)
    return 0;
  if (m->off || !m->ino || m->perms[1] != '-' || m->path[0] != '/')
    return 1;
  struct stat st;
  /* O_NONBLOCK: the supervisor's loop must not wait for a lease the
   * process holds, or for a FIFO put at the path (review 21). */
  int fd = open(m->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  /* The path may name another file by now: the same device and inode as
   * the mapping, or nothing. */
  if (fd >= 0 && (fstat(fd, &st) || st.st_ino != m->ino ||
                  major(st.st_dev) != m->maj || minor(st.st_dev) != m->min)) {
    close(fd);
    fd = -1;
  }
  if (fd < 0)
    *w->why = "the mapped file cannot be opened as itself";
  else if (w->id)
    w->id[0] = m->maj, w->id[1] = m->min, w->id[2] = m->ino;
  w->fd = fd;
  return 1;
}

/* The file mapped read-only at BASE, file offset 0, in process PID: its
 * descriptor (to close), or -1 with WHY set; its device and inode into ID
 * (major, minor, inode) when ID is not NULL. */
static int open_mapped(pid_t pid, uintptr_t base, unsigned long long *id,
                       const char **why) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/maps", (int)pid);
  *why = "no read-only file mapping at the object's base";
  struct open_walk w = {base, id, why, -1};
  if (bh_each_map(path, open_line, &w) < 0)
    *why = "cannot read the process's mappings";
  return w.fd;
}

static int read_at(int fd, void *buf, size_t len, uint64_t off) {
  return pread(fd, buf, len, (off_t)off) == (ssize_t)len ? 0 : -1;
}

#define MAX_PHDRS 64

/* The program headers of the x86-64 shared object FD into PH: how many,
 * or -1 if it is not one. */
static int file_phdrs(int fd, ElfW(Phdr) ph[MAX_PHDRS]) {
  ElfW(Ehdr) eh;
  if (read_at(fd, &eh, sizeof eh, 0) || memcmp(eh.e_ident, ELFMAG, SELFMAG) ||
      eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_type != ET_DYN ||
      eh.e_machine != EM_X86_64 || eh.e_phentsize != sizeof ph[0] ||
      eh.e_phnum > MAX_PHDRS ||
      read_at(fd, ph, eh.e_phnum * sizeof ph[0], eh.e_phoff))
    return -1;
  return eh.e_phnum;
}

/* The file offset of link-time address V (len bytes of the file's
 * contents), or -1. */
static int64_t file_offset(const ElfW(Phdr) * ph, int n, uint64_t v,
                           uint64_t len) {
  for (int i = 0; i < n; i++)
    if (ph[i].p_type == PT_LOAD && v >= ph[i].p_vaddr &&
        v + len <= ph[i].p_vaddr + ph[i].p_filesz)
      return (int64_t)(ph[i].p_offset + (v - ph[i].p_vaddr));
  return -1;
}

/* What bh_object_file_data gives, from the open file FD. */
static int file_data(int fd, uintptr_t base, uintptr_t lo, uintptr_t hi,
                     unsigned char *out, const char **why) {
  ElfW(Phdr) ph[MAX_PHDRS];
  int phnum = file_phdrs(fd, ph), ok = phnum >= 0;
  *why = "not an x86-64 shared object";
  uint64_t vlo = lo - base, vhi = hi - base;
  /* The range must lie in one writable segment: its file bytes, then
   * zeros (.bss). */
  int seg = -1;
  for (int i = 0; ok && i < phnum; i++)
    if (ph[i].p_type == PT_LOAD && ph[i].p_flags & PF_W &&
        vlo >= ph[i].p_vaddr && vhi <= ph[i].p_vaddr + ph[i].p_memsz &&
        vlo < vhi)
      seg = i;
  if (ok && seg < 0) {
    ok = 0;
    *why = "the range is not in one writable segment of the file";
  }
  if (ok) {
    const ElfW(Phdr) *p = &ph[seg];
    uint64_t file_end = p->p_vaddr + p->p_filesz;
    memset(out, 0, (size_t)(vhi - vlo));
    if (vlo < file_end) {
      uint64_t n = (vhi < file_end ? vhi : file_end) - vlo;
      if (read_at(fd, out, (size_t)n, p->p_offset + (vlo - p->p_vaddr))) {
        ok = 0;
        *why = "cannot read the segment from the file";
      }
    }
  }
  /* Relocations into the range: a RELATIVE one is the base plus its
   * addend; any other kind (a symbol's address) cannot be computed from
   * the file alone, and is refused. */
  uint64_t rela = 0, relasz = 0, relaent = sizeof(ElfW(Rela));
  for (int i = 0; ok && i < phnum; i++) {
    if (ph[i].p_type != PT_DYNAMIC)
      continue;
    for (uint64_t k = 0; ok && k + sizeof(ElfW(Dyn)) <= ph[i].p_filesz;
         k += sizeof(ElfW(Dyn))) {
      ElfW(Dyn) dyn;
      if (read_at(fd, &dyn, sizeof dyn, ph[i].p_offset + k)) {
        ok = 0;
        *why = "cannot read the dynamic section";
        break;
      }
      if (dyn.d_tag == DT_NULL)
        break;
      if (dyn.d_tag == DT_RELA)
        rela = dyn.d_un.d_ptr;
      else if (dyn.d_tag == DT_RELASZ)
        relasz = dyn.d_un.d_val;
      else if (dyn.d_tag == DT_RELAENT)
        relaent = dyn.d_un.d_val;
      else if (dyn.d_tag == DT_RELR || dyn.d_tag == DT_REL) {
        ok = 0;
        *why = "relocations other than RELA (DT_RELR, DT_REL)";
      }
    }
  }
  int64_t at = relasz ? file_offset(ph, phnum, rela, relasz) : 0;
  if (ok && (at < 0 || relaent != sizeof(ElfW(Rela)))) {
    ok = 0;
    *why = "the relocation table is not in the file";
  }
  for (uint64_t k = 0; ok && k < relasz; k += sizeof(ElfW(Rela))) {
    ElfW(Rela) r;
    if (read_at(fd, &r, sizeof r, (uint64_t)at + k)) {
      ok = 0;
      *why = "cannot read a relocation";
      break;
    }
    if (r.r_offset + 8 <= vlo || r.r_offset >= vhi)
      continue;
    if (ELF64_R_TYPE(r.r_info) != R_X86_64_RELATIVE || r.r_offset < vlo ||
        r.r_offset + 8 > vhi) {
      ok = 0;
      *why = "a relocation into the range needs a symbol's address";
      break;
    }
    uint64_t v = base + (uint64_t)r.r_addend;
    memcpy(out + (r.r_offset - vlo), &v, sizeof v);
  }
  return ok ? 0 : -1;
}

int bh_object_file_data(pid_t pid, uintptr_t base, uintptr_t lo, uintptr_t hi,
                        unsigned char *out, const char **why) {
  int fd = open_mapped(pid, base, NULL, why);
  if (fd < 0)
    return -1;
  int r = file_data(fd, base, lo, hi, out, why);
  close(fd);
  return r;
}

struct mapped_walk {
  uintptr_t a, b, cur;
  const unsigned long long *id;
  const uint64_t *code;
  int exec;
};

static int mapped_line(const struct bh_map *m, void *ctx) {
  struct mapped_walk *w = ctx;
  if (w->cur >= w->b)
    return 1;
  if (m->lo <= w->cur && w->cur < m->hi && m->maj == w->id[0] &&
      m->min == w->id[1] && m->ino == w->id[2] &&
      (!w->code ||
       ((!strcmp(m->perms, "r--p") || (w->exec && !strcmp(m->perms, "r-xp"))) &&
        m->off + (w->cur - m->lo) == *w->code + (w->cur - w->a))))
    w->cur = m->hi < w->b ? (uintptr_t)m->hi : w->b;
  return 0;
}

/* Whether every page of [a, b) in process PID is in mappings of the file
 * ID (major, minor, inode); mappings come in ascending order. With CODE,
 * only private mappings, readable only (or, with EXEC, readable and
 * executable), at the file offset *CODE + (page - a). */
static int mapped_as(pid_t pid, uintptr_t a, uintptr_t b,
                     const unsigned long long *id, const uint64_t *code,
                     int exec) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/maps", (int)pid);
  struct mapped_walk w = {a, b, a, id, code, exec};
  bh_each_map(path, mapped_line, &w);
  return w.cur >= b && b > a;
}

/* The file's Bulkhead note: every address it gives (BH_NOTE_*, one word
 * each), link-time. 0, or -1 with WHY. */
static int file_note(int fd, uint64_t note[BH_NOTE_DESC_SIZE / 8],
                     const char **why) {
  ElfW(Phdr) ph[MAX_PHDRS];
  *why = "not an x86-64 shared object";
  int phnum = file_phdrs(fd, ph);
  if (phnum < 0)
    return -1;
  *why = "the file has no Bulkhead note";
  int found = 0;
  for (int i = 0; i < phnum; i++) {
    if (ph[i].p_type != PT_NOTE || ph[i].p_filesz > 65536)
      continue;
    unsigned char buf[65536];
    if (read_at(fd, buf, ph[i].p_filesz, ph[i].p_offset))
      return -1;
    for (uint64_t at = 0; at + sizeof(ElfW(Nhdr)) <= ph[i].p_filesz;) {
      ElfW(Nhdr) nh;
      memcpy(&nh, buf + at, sizeof nh);
      uint64_t name = at + sizeof nh, desc = name + ((nh.n_namesz + 3) & ~3u),
               next = desc + ((nh.n_descsz + 3) & ~3u);
      if (next > ph[i].p_filesz)
        break;
      if (nh.n_type == BH_NOTE_TYPE_OBJECT &&
          nh.n_namesz == sizeof BH_NOTE_NAME &&
          !memcmp(buf + name, BH_NOTE_NAME, sizeof BH_NOTE_NAME)) {
        int64_t off[BH_NOTE_DESC_SIZE / 8];
        if (nh.n_descsz != BH_NOTE_DESC_SIZE || found++) {
          *why = "a malformed Bulkhead note, or more than one";
          return -1;
        }
        memcpy(off, buf + desc, sizeof off);
        for (int k = 0; k < BH_NOTE_DESC_SIZE / 8; k++)
          note[k] = ph[i].p_vaddr + desc + (uint64_t)off[k];
      }
      at = next;
    }
  }
  return found ? 0 : -1;
}

static int file_domains(int fd, uint64_t *lo, uint64_t *hi, const char **why) {
  uint64_t note[BH_NOTE_DESC_SIZE / 8];
  if (file_note(fd, note, why))
    return -1;
  *lo = note[BH_NOTE_DOMAINS_START / 8], *hi = note[BH_NOTE_DOMAINS_STOP / 8];
  return 0;
}

int bh_object_file_note(pid_t pid, uintptr_t base,
                        uintptr_t note[BH_NOTE_DESC_SIZE / 8],
                        const char **why) {
  int fd = open_mapped(pid, base, NULL, why);
  if (fd < 0)
    return -1;
  uint64_t v[BH_NOTE_DESC_SIZE / 8];
  int r = file_note(fd, v, why);
  close(fd);
  for (int k = 0; !r && k < BH_NOTE_DESC_SIZE / 8; k++)
    note[k] = base + (uintptr_t)v[k];
  return r;
}

int bh_object_file_copies(pid_t pid, uintptr_t base, uintptr_t *copies,
                          const char **why) {
  uintptr_t note[BH_NOTE_DESC_SIZE / 8];
  if (bh_object_file_note(pid, base, note, why))
    return -1;
  *copies = note[BH_NOTE_COPIES / 8];
  return 0;
}

int bh_object_file_open(pid_t pid, uintptr_t base, const char **why) {
  return open_mapped(pid, base, NULL, why);
}

/* Where link-time address V lies in a read-only PT_LOAD's file bytes of
 * FD: its file offset, and how many of the segment's file bytes follow
 * (*avail). -1 if it lies in none. */
static int64_t readonly_at(int fd, uint64_t v, uint64_t *avail) {
  ElfW(Phdr) ph[MAX_PHDRS];
  int phnum = file_phdrs(fd, ph);
  if (phnum < 0)
    return -1;
  for (int i = 0; i < phnum; i++)
    if (ph[i].p_type == PT_LOAD && !(ph[i].p_flags & PF_W) &&
        v >= ph[i].p_vaddr && v < ph[i].p_vaddr + ph[i].p_filesz) {
      *avail = ph[i].p_vaddr + ph[i].p_filesz - v;
      return (int64_t)(ph[i].p_offset + (v - ph[i].p_vaddr));
    }
  return -1;
}

int bh_file_rodata(int fd, uintptr_t base, uintptr_t lo, uintptr_t hi,
                   char *out) {
  uint64_t avail;
  int64_t at = lo >= base && hi > lo ? readonly_at(fd, lo - base, &avail) : -1;
  return at >= 0 && hi - lo <= avail && !read_at(fd, out, hi - lo, (uint64_t)at)
             ? 0
             : -1;
}

int bh_file_string(int fd, uintptr_t base, uintptr_t a, char *out, size_t cap) {
  uint64_t avail;
  int64_t at = a >= base && cap ? readonly_at(fd, a - base, &avail) : -1;
  size_t n = at < 0 ? 0 : avail < cap ? (size_t)avail : cap;
  return n && pread(fd, out, n, (off_t)at) == (ssize_t)n && memchr(out, 0, n)
             ? 0
             : -1;
}

int bh_object_file_span(pid_t pid, uintptr_t base, uintptr_t *lo, uintptr_t *hi,
                        const char **why) {
  int fd = open_mapped(pid, base, NULL, why);
  if (fd < 0)
    return -1;
  ElfW(Phdr) ph[MAX_PHDRS];
  uint64_t l = UINT64_MAX, h = 0;
  int phnum = file_phdrs(fd, ph), ok = phnum >= 0;
  close(fd);
  for (int i = 0; ok && i < phnum; i++)
    if (ph[i].p_type == PT_LOAD) {
      if (ph[i].p_vaddr < l)
        l = ph[i].p_vaddr;
      if (ph[i].p_vaddr + ph[i].p_memsz > h)
        h = ph[i].p_vaddr + ph[i].p_memsz;
    }
  if (!ok || h <= l || l || h > ((uint64_t)1 << 40)) {
    *why = "not an x86-64 shared object starting at its base";
    return -1;
  }
  *lo = base;
  *hi = base + (uintptr_t)((h + BH_PAGE - 1) & ~(uint64_t)(BH_PAGE - 1));
  return 0;
}

int bh_object_file_id(pid_t pid, uintptr_t base, unsigned long long id[3],
                      const char **why) {
  int fd = open_mapped(pid, base, id, why);
  if (fd < 0)
    return -1;
  close(fd);
  return 0;
}

int bh_object_file_domain(pid_t pid, uintptr_t base, uintptr_t desc,
                          uintptr_t bounds[2], const char **why) {
  unsigned long long id[3];
  int fd = open_mapped(pid, base, id, why);
  if (fd < 0)
    return -1;
  uint64_t lo, hi, v = desc - base;
  int r = file_domains(fd, &lo, &hi, why);
  if (!r && (desc < base || v < lo || v >= hi || (v - lo) % BH_DOMAIN_SIZE)) {
    r = -1;
    *why = "no descriptor its file's note lists";
  }
  if (!r && !mapped_as(pid, desc, desc + BH_DOMAIN_SIZE, id, NULL, 0)) {
    r = -1;
    *why = "the descriptor is not in a mapping of the object's file";
  }
  if (!r)
    r = file_data(fd, base, desc + offsetof(struct bulkhead_domain, data_start),
                  desc + offsetof(struct bulkhead_domain, data_end) +
                      sizeof(char *),
                  (unsigned char *)bounds, why);
  /* The data too: a file mapping of that object, not memory elsewhere
   * that a mapping of its first page at a chosen base would point at. */
  if (!r && bounds[1] > bounds[0] &&
      !mapped_as(pid, bounds[0], bounds[1], id, NULL, 0)) {
    r = -1;
    *why = "the data is not in a mapping of the object's file";
  }
  close(fd);
  return r;
}

/* Whether [lo, hi) of process PID is a private mapping, readable only
 * (or, with EXEC, readable and executable), of file FD (ID) at offset OFF
 * whose bytes, read through MEM (its /proc/<pid>/mem), are the file's
 * (past its end the kernel shows zeros). 0, or -1 with WHY from MAPPING
 * or BYTES. */
static int file_pages(pid_t pid, int fd, int mem, const unsigned long long *id,
                      uintptr_t lo, uintptr_t hi, uint64_t off, int exec,
                      const char *mapping, const char *bytes,
                      const char **why) {
  if (!mapped_as(pid, lo, hi, id, &off, exec)) {
    *why = mapping;
    return -1;
  }
  for (uintptr_t a = lo; a < hi; a += BH_PAGE) {
    static unsigned char seen[BH_PAGE], file[BH_PAGE];
    ssize_t k = pread(fd, file, BH_PAGE, (off_t)(off + (a - lo)));
    if (k < 0)
      k = 0;
    memset(file + k, 0, BH_PAGE - (size_t)k);
    if (pread(mem, seen, BH_PAGE, (off_t)a) != BH_PAGE ||
        memcmp(seen, file, BH_PAGE)) {
      *why = bytes;
      return -1;
    }
  }
  return 0;
}

/* Every page of the file's other read-only segments (PH, PHNUM; its
 * read-only data, constants its compartments trust, review 14b) as
 * file_pages requires, except those PT_GNU_RELRO covers, which ld.so
 * wrote. Pages of a marked segment other than SEG may be executable
 * already: registration makes each marked segment so in turn. */
static int readonly_pages(pid_t pid, int fd, int mem,
                          const unsigned long long *id, uintptr_t base,
                          const ElfW(Phdr) * ph, int phnum, int seg,
                          const char **why) {
  uint64_t rlo = 0, rhi = 0;
  for (int i = 0; i < phnum; i++)
    if (ph[i].p_type == PT_GNU_RELRO) {
      rlo = ph[i].p_vaddr & ~(uint64_t)(BH_PAGE - 1);
      rhi = (ph[i].p_vaddr + ph[i].p_memsz + BH_PAGE - 1) &
            ~(uint64_t)(BH_PAGE - 1);
    }
  for (int i = 0; i < phnum; i++) {
    const ElfW(Phdr) *p = &ph[i];
    if (i == seg || p->p_type != PT_LOAD || p->p_flags & PF_W || !p->p_memsz)
      continue;
    uint64_t plo = p->p_vaddr & ~(uint64_t)(BH_PAGE - 1),
             phi = (p->p_vaddr + p->p_memsz + BH_PAGE - 1) &
                   ~(uint64_t)(BH_PAGE - 1),
             off = p->p_offset & ~(uint64_t)(BH_PAGE - 1);
    /* Zeros past the file bytes would be ld.so's writes, not the file's
     * pages. */
    if (p->p_filesz != p->p_memsz ||
        p->p_vaddr % BH_PAGE != p->p_offset % BH_PAGE) {
      *why = "a read-only segment is not the file's pages";
      return -1;
    }
    int exec = !!(p->p_flags & BH_PF_EXEC_AFTER_REGISTRATION);
    /* The segment without RELRO's pages: at most two ranges. */
    uint64_t below = rlo > plo ? rlo : plo, above = rhi > plo ? rhi : plo;
    uint64_t part[2][2] = {{plo, below < phi ? below : phi}, {above, phi}};
    for (int k = 0; k < 2; k++)
      if (part[k][0] < part[k][1] &&
          file_pages(pid, fd, mem, id, base + part[k][0], base + part[k][1],
                     off + (part[k][0] - plo), exec,
                     "a read-only segment's pages are not a readable-only "
                     "private mapping of the object's file",
                     "the read-only data in memory is not the file's", why))
        return -1;
  }
  return 0;
}

int bh_object_file_code(pid_t pid, uintptr_t base, uintptr_t lo, uintptr_t hi,
                        const char **why) {
  unsigned long long id[3];
  int fd = open_mapped(pid, base, id, why);
  if (fd < 0)
    return -1;
  ElfW(Phdr) ph[MAX_PHDRS];
  int phnum = file_phdrs(fd, ph), ok = phnum >= 0;
  *why = "not an x86-64 shared object";
  /* Exactly one marked segment's pages: none of another segment, and no
   * writable one (its pages change after the look). */
  uint64_t off = 0;
  int seg = -1;
  for (int i = 0; ok && i < phnum; i++) {
    const ElfW(Phdr) *p = &ph[i];
    uint64_t plo = p->p_vaddr & ~(uint64_t)(BH_PAGE - 1),
             phi = (p->p_vaddr + p->p_memsz + BH_PAGE - 1) &
                   ~(uint64_t)(BH_PAGE - 1);
    if (p->p_type == PT_LOAD && p->p_flags & BH_PF_EXEC_AFTER_REGISTRATION &&
        !(p->p_flags & PF_W) && p->p_filesz == p->p_memsz &&
        p->p_vaddr % BH_PAGE == p->p_offset % BH_PAGE && p->p_memsz &&
        base + plo == lo && base + phi == hi && lo >= base) {
      seg = i;
      off = p->p_offset & ~(uint64_t)(BH_PAGE - 1);
    }
  }
  if (ok && seg < 0) {
    ok = 0;
    *why = "not exactly the pages of a segment made executable after "
           "registration";
  }
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/mem", (int)pid);
  int mem = ok ? open(path, O_RDONLY | O_CLOEXEC) : -1;
  if (ok && mem < 0) {
    ok = 0;
    *why = "cannot read the process's memory";
  }
  /* The code, then every other read-only page the code may trust. */
  if (ok && (file_pages(pid, fd, mem, id, lo, hi, off, 0,
                        "the pages are not a readable-only private mapping "
                        "of the object's file",
                        "the code in memory is not the file's", why) ||
             readonly_pages(pid, fd, mem, id, base, ph, phnum, seg, why)))
    ok = 0;
  if (mem >= 0)
    close(mem);
  close(fd);
  return ok ? 0 : -1;
}

int bh_file_readonly_word(int fd, uintptr_t base, uintptr_t a, size_t len) {
  ElfW(Phdr) ph[MAX_PHDRS];
  int phnum = file_phdrs(fd, ph), in = 0;
  if (a < base || a + len < a)
    return 0;
  uint64_t v = a - base;
  for (int i = 0; i < phnum; i++) {
    const ElfW(Phdr) *p = &ph[i];
    uint64_t plo = p->p_vaddr & ~(uint64_t)(BH_PAGE - 1),
             phi = (p->p_vaddr + p->p_memsz + BH_PAGE - 1) &
                   ~(uint64_t)(BH_PAGE - 1);
    if (p->p_type == PT_GNU_RELRO && v < phi && v + len > plo)
      return 0; /* on a page ld.so wrote */
    if (p->p_type == PT_LOAD && !(p->p_flags & PF_W) && v >= p->p_vaddr &&
        v + len <= p->p_vaddr + p->p_filesz)
      in = 1;
  }
  return in;
}

int bh_file_code_sections(int fd,
                          void (*each)(const char *name, uint64_t addr,
                                       uint64_t size, void *ctx),
                          void *ctx) {
  ElfW(Ehdr) eh;
  ElfW(Shdr) sh[32], strs;
  if (read_at(fd, &eh, sizeof eh, 0) || memcmp(eh.e_ident, ELFMAG, SELFMAG) ||
      eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_shentsize != sizeof strs ||
      eh.e_shstrndx == SHN_UNDEF || eh.e_shstrndx >= eh.e_shnum ||
      read_at(fd, &strs, sizeof strs,
              eh.e_shoff + (uint64_t)eh.e_shstrndx * sizeof strs))
    return -1;
  for (unsigned i = 0; i < eh.e_shnum; i += 32) {
    unsigned n = eh.e_shnum - i < 32 ? eh.e_shnum - i : 32;
    if (read_at(fd, sh, n * sizeof *sh, eh.e_shoff + (uint64_t)i * sizeof *sh))
      return -1;
    for (unsigned k = 0; k < n; k++) {
      char name[64] = "";
      if (sh[k].sh_type != SHT_PROGBITS || !(sh[k].sh_flags & SHF_EXECINSTR))
        continue;
      if (sh[k].sh_name < strs.sh_size)
        (void)!pread(fd, name, sizeof name - 1,
                     (off_t)(strs.sh_offset + sh[k].sh_name));
      name[sizeof name - 1] = 0;
      each(name, sh[k].sh_addr, sh[k].sh_size, ctx);
    }
  }
  return 0;
}
