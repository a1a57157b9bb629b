/* loadmap.c: executable memory as ld.so maps it.
 *
 * ld.so maps each PT_LOAD in turn (glibc's _dl_map_segments): the whole
 * pages [trunc(p_vaddr), round(p_vaddr + p_filesz)) from the file at
 * trunc(p_offset), so the file bytes next to a segment on its pages are
 * mapped with its rights too; when p_memsz > p_filesz, the rest of the last
 * file page is zeroed and zero pages follow. A later segment's pages replace
 * an earlier one's (MAP_FIXED), with their own rights. What is executable is
 * what the last mapping of each address says, and two executable mappings
 * that follow each other in memory are one stretch of code: a pattern can
 * start in one and end in the next, wherever their bytes lie in the file.
 * So each stretch becomes one region, copied into a buffer of its own when
 * its bytes are not contiguous in the file. */
#include "loadmap.h"
#include "scan.h"

#include "../../include/bulkhead/abi.h"

#include <stdlib.h>
#include <string.h>

#define PAGE 4096u
#define ZEROS UINT64_MAX /* foff of zero-filled memory */

struct mapping {
    struct piece p; /* p.foff == ZEROS: zero-filled */
    int exec;
};

struct overlay {
    struct mapping *v; /* disjoint, in address order */
    size_t n;
};

static int mapping_cmp(const void *a, const void *b)
{
    const struct mapping *x = a, *y = b;
    return (x->p.vaddr > y->p.vaddr) - (x->p.vaddr < y->p.vaddr);
}

/* Maps M over whatever it covers, as mmap(MAP_FIXED) does. */
static int map_over(struct overlay *o, struct mapping m)
{
    if (m.p.size == 0)
        return 0;
    uint64_t lo = m.p.vaddr, hi = m.p.vaddr + m.p.size;
    struct mapping *v = malloc((2 * o->n + 1) * sizeof *v);
    if (!v)
        return -1;
    size_t k = 0;
    for (size_t i = 0; i < o->n; i++) {
        struct mapping old = o->v[i];
        uint64_t olo = old.p.vaddr, ohi = old.p.vaddr + old.p.size;
        if (ohi <= lo || olo >= hi) {
            v[k++] = old;
            continue;
        }
        if (olo < lo) {
            v[k] = old;
            v[k++].p.size = lo - olo;
        }
        if (ohi > hi) {
            v[k] = old;
            v[k].p.vaddr = hi;
            v[k].p.size = ohi - hi;
            if (old.p.foff != ZEROS)
                v[k].p.foff += hi - olo;
            k++;
        }
    }
    v[k++] = m;
    qsort(v, k, sizeof *v, mapping_cmp);
    free(o->v);
    o->v = v;
    o->n = k;
    return 0;
}

/* Adds the ld.so mappings of one PT_LOAD. A segment that is not executable
 * matters only for the pages it takes from executable ones: its bytes are
 * not read, and a malformed one is no error. */
static int map_segment(struct overlay *o, const char *name, size_t i, const GElf_Phdr *ph, size_t size)
{
    /* An object with compartments: its code is executable once the runtime
     * registers it (tools/dso-inert.h). */
    int exec = (ph->p_flags & (PF_X | BH_PF_EXEC_AFTER_REGISTRATION)) != 0;
    uint64_t mem = ph->p_memsz > ph->p_filesz ? ph->p_memsz : ph->p_filesz;
    if (ph->p_vaddr + mem < ph->p_vaddr || ph->p_vaddr + mem > UINT64_MAX - PAGE) {
        if (exec)
            diag_error(name, "executable segment %zu wraps around the address space", i);
        return 0;
    }
    if (!exec) {
        uint64_t lo = ph->p_vaddr / PAGE * PAGE, hi = (ph->p_vaddr + mem + PAGE - 1) / PAGE * PAGE;
        struct mapping other = {.p = {.vaddr = lo, .size = hi - lo, .foff = ZEROS}, .exec = 0};
        return map_over(o, other);
    }
    if (ph->p_offset > size || ph->p_filesz > size - ph->p_offset) {
        diag_error(name, "executable segment %zu (offset 0x%llx, size 0x%llx) extends past the end of the file", i,
                   (unsigned long long)ph->p_offset, (unsigned long long)ph->p_filesz);
        return 0;
    }
    uint64_t lead = ph->p_vaddr % PAGE;
    if (lead > ph->p_offset || lead != ph->p_offset % PAGE)
        lead = 0; /* misaligned: ld.so would refuse it; take the segment itself */
    uint64_t end = ph->p_offset + ph->p_filesz, tail = 0;
    if (ph->p_memsz <= ph->p_filesz && end % PAGE) /* else ld.so zeroes the tail */
        tail = PAGE - end % PAGE;
    if (tail > size - end)
        tail = size - end;
    struct mapping file = {
        .p = {.vaddr = ph->p_vaddr - lead,
              .size = ph->p_filesz + lead + tail,
              .foff = ph->p_offset - lead,
              .core_lo = ph->p_vaddr,
              .core_hi = ph->p_vaddr + ph->p_filesz},
        .exec = 1,
    };
    if (ph->p_filesz == 0)
        file.p.size = 0;
    if (map_over(o, file) != 0)
        return -1;
    if (ph->p_memsz <= ph->p_filesz)
        return 0;
    uint64_t zlo = ph->p_vaddr + ph->p_filesz, zhi = ph->p_vaddr + ph->p_memsz;
    zhi = (zhi + PAGE - 1) / PAGE * PAGE;
    struct mapping zeros = {.p = {.vaddr = zlo, .size = zhi - zlo, .foff = ZEROS}, .exec = 1};
    return map_over(o, zeros);
}

static int add_region(struct region **regs, size_t *nregs, struct region r)
{
    struct region *v = realloc(*regs, (*nregs + 1) * sizeof *v);
    if (!v)
        return -1;
    *regs = v;
    v[(*nregs)++] = r;
    return 0;
}

/* One region for the executable file-backed mappings V[0..N), which follow
 * each other in memory. */
static int add_stretch(const struct mapping *v, size_t n, const uint8_t *image, struct region **regs, size_t *nregs)
{
    struct region r = {.vaddr = v[0].p.vaddr, .npieces = n};
    int contiguous = 1;
    for (size_t i = 0; i < n; i++) {
        r.size += v[i].p.size;
        if (i && v[i].p.foff != v[i - 1].p.foff + v[i - 1].p.size)
            contiguous = 0;
    }
    r.pieces = malloc(n * sizeof *r.pieces);
    if (!r.pieces)
        return -1;
    for (size_t i = 0; i < n; i++)
        r.pieces[i] = v[i].p;
    if (contiguous) {
        r.bytes = image + v[0].p.foff;
    } else {
        r.owned = malloc(r.size);
        if (!r.owned) {
            free(r.pieces);
            return -1;
        }
        for (size_t i = 0, at = 0; i < n; at += v[i].p.size, i++)
            memcpy(r.owned + at, image + v[i].p.foff, v[i].p.size);
        r.bytes = r.owned;
    }
    if (add_region(regs, nregs, r) != 0) {
        free(r.pieces);
        free(r.owned);
        return -1;
    }
    return 0;
}

void loadmap_segments(const char *name, Elf *elf, const uint8_t *image, size_t size, struct region **regs,
                      size_t *nregs)
{
    size_t n;
    if (elf_getphdrnum(elf, &n) != 0) {
        diag_error(name, "cannot read program headers: %s", elf_errmsg(-1));
        return;
    }
    struct overlay o = {0};
    for (size_t i = 0; i < n; i++) {
        GElf_Phdr ph;
        if (!gelf_getphdr(elf, (int)i, &ph)) {
            diag_error(name, "cannot read program header %zu: %s", i, elf_errmsg(-1));
            continue;
        }
        if (ph.p_type == PT_LOAD && map_segment(&o, name, i, &ph, size) != 0) {
            diag_error(name, "out of memory");
            break;
        }
    }
    /* Zero-filled memory holds no pattern and ends a stretch. */
    for (size_t i = 0; i < o.n;) {
        if (!o.v[i].exec || o.v[i].p.foff == ZEROS) {
            i++;
            continue;
        }
        size_t j = i + 1;
        while (j < o.n && o.v[j].exec && o.v[j].p.foff != ZEROS &&
               o.v[j].p.vaddr == o.v[j - 1].p.vaddr + o.v[j - 1].p.size)
            j++;
        if (add_stretch(o.v + i, j - i, image, regs, nregs) != 0)
            diag_error(name, "out of memory");
        i = j;
    }
    free(o.v);
}

void loadmap_section(size_t shndx, uint64_t offset, size_t size, const uint8_t *image, struct region **regs,
                     size_t *nregs)
{
    struct region r = {.size = size, .bytes = image + offset, .npieces = 1, .shndx = shndx};
    r.pieces = malloc(sizeof *r.pieces);
    if (!r.pieces)
        return;
    r.pieces[0] = (struct piece){.vaddr = 0, .size = size, .foff = offset, .core_lo = 0, .core_hi = size};
    if (add_region(regs, nregs, r) != 0)
        free(r.pieces);
}

const struct piece *region_piece(const struct region *r, uint64_t addr)
{
    for (size_t i = 0; i < r->npieces; i++)
        if (addr - r->pieces[i].vaddr < r->pieces[i].size)
            return &r->pieces[i];
    return &r->pieces[r->npieces - 1];
}

void loadmap_free(struct region *regs, size_t nregs)
{
    for (size_t i = 0; i < nregs; i++) {
        free(regs[i].pieces);
        free(regs[i].owned);
    }
    free(regs);
}
