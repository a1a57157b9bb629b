/* elfscan.c: scan one ELF object.
 *
 * What is scanned is what the CPU could execute: in linked files the bytes of
 * PT_LOAD segments with PF_X, widened to whole pages because ld.so maps whole
 * pages (so file bytes next to a segment become executable too); in
 * relocatable objects the SHF_EXECINSTR sections. Each hit is then located
 * (section, symbol, line), classified, vetted and handed to the output. */
#include "gates.h"
#include "scan.h"
#include "system.h"
#include "where.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE 4096u
#define SYNC_MAX 16384u /* farthest a symbol/section start may be to decode from */
#define SYNC_GUESS 64u  /* else decode from this far back: x86 resyncs quickly */

struct region {
    uint64_t vaddr;          /* mapped address of bytes[0] (offset if relocatable) */
    uint64_t foff;           /* file offset of bytes[0] within the object */
    size_t size;
    const uint8_t *bytes;
    uint64_t core_lo, core_hi; /* the segment proper; the rest is page rounding */
    size_t shndx;            /* relocatable: section index */
};

struct ectx {
    const char *name, *dep_of;
    const struct options *o;
    Elf *elf;
    const uint8_t *image;
    size_t size;
    uint64_t base_off;
    int relocatable;
    struct region *regs;
    size_t nregs;
    struct where w;
    struct gateset gates;
    struct classifier *cl;
    enum syslib syslib;      /* the C library or ld.so: may hold known system gadgets */
    const struct region *cur;
    char note[160];
    char syswhy[400];        /* what the current hit was recognised by */
    char key[320];
};

static int region_cmp(const void *a, const void *b)
{
    const struct region *x = a, *y = b;
    if (x->shndx != y->shndx)
        return x->shndx < y->shndx ? -1 : 1;
    return (x->vaddr > y->vaddr) - (x->vaddr < y->vaddr);
}

static int add_region(struct ectx *e, struct region r)
{
    struct region *v = realloc(e->regs, (e->nregs + 1) * sizeof *v);
    if (!v)
        return -1;
    e->regs = v;
    e->regs[e->nregs++] = r;
    return 0;
}

/* PT_LOAD segments with PF_X, widened to the pages ld.so maps. */
static void segment_regions(struct ectx *e)
{
    size_t n;
    if (elf_getphdrnum(e->elf, &n) != 0) {
        diag_error(e->name, "cannot read program headers: %s", elf_errmsg(-1));
        return;
    }
    for (size_t i = 0; i < n; i++) {
        GElf_Phdr ph;
        if (!gelf_getphdr(e->elf, (int)i, &ph)) {
            diag_error(e->name, "cannot read program header %zu: %s", i, elf_errmsg(-1));
            continue;
        }
        if (ph.p_type != PT_LOAD || !(ph.p_flags & PF_X) || ph.p_filesz == 0)
            continue;
        if (ph.p_offset > e->size || ph.p_filesz > e->size - ph.p_offset) {
            diag_error(e->name, "executable segment %zu (offset 0x%llx, size 0x%llx) extends past the end of the file",
                       i, (unsigned long long)ph.p_offset, (unsigned long long)ph.p_filesz);
            continue;
        }
        if (ph.p_vaddr + ph.p_filesz < ph.p_vaddr) {
            diag_error(e->name, "executable segment %zu wraps around the address space", i);
            continue;
        }
        uint64_t lead = ph.p_vaddr % PAGE;
        if (lead > ph.p_offset || lead != ph.p_offset % PAGE)
            lead = 0; /* misaligned: ld.so would refuse it; scan the segment itself */
        uint64_t end = ph.p_offset + ph.p_filesz, tail = 0;
        if (ph.p_memsz <= ph.p_filesz && end % PAGE) /* else ld.so zeroes the tail */
            tail = PAGE - end % PAGE;
        if (tail > e->size - end)
            tail = e->size - end;
        struct region r = {
            .vaddr = ph.p_vaddr - lead, .foff = ph.p_offset - lead,
            .size = (size_t)(ph.p_filesz + lead + tail),
            .bytes = e->image + ph.p_offset - lead,
            .core_lo = ph.p_vaddr, .core_hi = ph.p_vaddr + ph.p_filesz,
        };
        add_region(e, r);
    }
}

/* SHF_EXECINSTR sections of a relocatable object; addresses are offsets. */
static void section_regions(struct ectx *e)
{
    for (size_t i = 0; i < e->w.nsecs; i++) {
        const struct wsection *s = &e->w.secs[i];
        if (!(s->flags & SHF_EXECINSTR) || s->type == SHT_NOBITS || s->size == 0)
            continue;
        if (s->offset > e->size || s->size > e->size - s->offset) {
            diag_error(e->name, "section %s (offset 0x%llx, size 0x%llx) extends past the end of the file",
                       s->name, (unsigned long long)s->offset, (unsigned long long)s->size);
            continue;
        }
        struct region r = {
            .vaddr = 0, .foff = s->offset, .size = (size_t)s->size,
            .bytes = e->image + s->offset, .core_lo = 0, .core_hi = s->size,
            .shndx = s->index,
        };
        add_region(e, r);
    }
}

/* gate_src.bytes: executable bytes around ADDR, or NULL. */
static const uint8_t *bytes_at(void *ctx, size_t shndx, uint64_t addr, size_t before, size_t after)
{
    struct ectx *e = ctx;
    for (size_t i = 0; i < e->nregs; i++) {
        const struct region *r = &e->regs[i];
        if (r->shndx != shndx || addr < r->vaddr || addr - r->vaddr < before ||
            addr - r->vaddr > r->size || r->size - (addr - r->vaddr) < after)
            continue;
        return r->bytes + (addr - r->vaddr);
    }
    return NULL;
}

static const char *section_name(struct ectx *e, size_t shndx, uint64_t addr)
{
    const struct wsection *s = e->relocatable ? where_section_by_index(&e->w, shndx)
                                              : where_section_at(&e->w, addr);
    return s ? s->name : NULL;
}

static void locate(struct ectx *e, struct finding *f, size_t shndx)
{
    f->file = e->name;
    f->dep_of = e->dep_of;
    f->relocatable = e->relocatable;
    f->section = section_name(e, shndx, f->addr);
    const struct wsymbol *sym = where_symbol(&e->w, shndx, f->addr);
    if (sym) {
        f->symbol = sym->name;
        f->symbol_offset = f->addr - sym->value;
    }
    if (!e->relocatable)
        where_line(&e->w, f->addr, &f->src_file, &f->src_line);
    if (e->relocatable)
        snprintf(e->key, sizeof e->key, "%s+0x%llx", f->section ? f->section : "?",
                 (unsigned long long)f->addr);
    else
        snprintf(e->key, sizeof e->key, "0x%llx", (unsigned long long)f->addr);
}

/* gate_src.forged: a manifest entry that does not hold a gate is an error. */
static void forged(void *ctx, size_t shndx, uint64_t addr, const char *why)
{
    struct ectx *e = ctx;
    struct finding f = {0};
    f.kind = PK_FORGED_GATE;
    f.addr = addr;
    f.detail = why;
    locate(e, &f, shndx);
    f.cl.cls = HC_DATA;
    const uint8_t *p = bytes_at(e, shndx, addr, 0, 1);
    if (p) {
        const struct region *r = NULL;
        for (size_t i = 0; i < e->nregs && !r; i++)
            if (e->regs[i].shndx == shndx && p >= e->regs[i].bytes && p < e->regs[i].bytes + e->regs[i].size)
                r = &e->regs[i];
        f.file_offset = e->base_off + r->foff + (uint64_t)(p - r->bytes);
    }
    out_finding(&f);
}

/* Where to start decoding for a hit at ADDR: a boundary we know, or a guess. */
static uint64_t sync_point(struct ectx *e, const struct region *r, const struct wsection *sec,
                           const struct wsymbol *sym, uint64_t addr, const char **note)
{
    uint64_t lo = r->core_lo > r->vaddr ? r->core_lo : r->vaddr;
    if (sec && sec->addr > lo && !e->relocatable)
        lo = sec->addr;
    if (sym && sym->value >= lo && addr - sym->value <= SYNC_MAX)
        return sym->value;
    if (addr - lo <= SYNC_MAX)
        return lo;
    *note = "decoded from a guessed start (no symbol nearby)";
    return addr - SYNC_GUESS;
}

static void classify(struct ectx *e, const struct region *r, struct finding *f)
{
    const struct wsection *sec = e->relocatable ? where_section_by_index(&e->w, r->shndx)
                                                : where_section_at(&e->w, f->addr);
    const struct wsymbol *sym = where_symbol(&e->w, r->shndx, f->addr);
    struct classification *c = &f->cl;
    if (f->addr < r->core_lo || f->addr >= r->core_hi) {
        c->cls = HC_DATA;
        c->note = "file bytes next to the segment, executable because whole pages are mapped";
        return;
    }
    if (!e->relocatable && e->w.nsecs > 0 && !sec) {
        c->cls = HC_DATA;
        c->note = "outside every section (padding or unnamed data)";
        return;
    }
    if (sec && !(sec->flags & SHF_EXECINSTR)) {
        snprintf(e->note, sizeof e->note, "in %s, a data section mapped executable", sec->name);
        c->cls = HC_DATA;
        c->note = e->note;
        return;
    }
    if (sym && sym->type == STT_OBJECT && f->addr - sym->value < sym->size) {
        snprintf(e->note, sizeof e->note, "in data object %s", sym->name);
        c->cls = HC_DATA;
        c->note = e->note;
        return;
    }
    const char *note = NULL;
    uint64_t sync = sync_point(e, r, sec, sym, f->addr, &note);
    classify_hit(e->cl, r->bytes, r->size, r->vaddr, sync, f->addr, c);
    if (!c->note)
        c->note = note;
}

static int on_match(void *ctx, size_t off, enum pkind kind)
{
    struct ectx *e = ctx;
    const struct region *r = e->cur;
    struct finding f = {0};
    f.kind = kind;
    f.addr = r->vaddr + off;
    f.file_offset = e->base_off + r->foff + off;
    locate(e, &f, r->shndx);
    classify(e, r, &f);

    size_t from = off >= 8 ? off - 8 : 0, to = off + 8 <= r->size ? off + 8 : r->size;
    f.ctx_len = (int)(to - from);
    f.ctx_hit = (int)(off - from);
    memcpy(f.ctx, r->bytes + from, to - from);

    if (e->syslib) {
        f.system = system_gadget(e->syslib, e->elf, &e->w, e->cl, r->bytes, r->size, r->vaddr,
                                 f.addr, kind, e->syswhy, sizeof e->syswhy);
        f.system_why = f.system ? e->syswhy : NULL;
    }
    /* A known system gadget is vetted before the allowlist is asked, so
     * allowlist entries for one are reported as matching nothing. */
    if (kind == PK_WRPKRU && gates_contains(&e->gates, r->shndx, f.addr))
        f.vetted_by = "gate manifest";
    else if (f.system && !e->o->no_system_gadgets)
        f.vetted_by = f.system;
    else
        f.vetted_by = allow_lookup(e->o->allow, e->name, e->key);
    if (!f.vetted_by && f.symbol) {
        /* symbol+offset as reported: stays true when the program is relinked */
        snprintf(e->key, sizeof e->key, "%s+0x%llx", f.symbol,
                 (unsigned long long)f.symbol_offset);
        f.vetted_by = allow_lookup(e->o->allow, e->name, e->key);
    }
    f.vetted = f.vetted_by != NULL;
    out_finding(&f);
    return 0;
}

void scan_elf(const char *name, Elf *elf, const uint8_t *image, size_t size,
              uint64_t base_off, const struct options *o, const char *dep_of)
{
    GElf_Ehdr eh;
    if (!gelf_getehdr(elf, &eh)) {
        diag_error(name, "invalid ELF header: %s", elf_errmsg(-1));
        return;
    }
    if (eh.e_machine != EM_X86_64 && eh.e_machine != EM_386) {
        diag_note(name, "not x86 code (e_machine %u), skipped", eh.e_machine);
        return;
    }
    if (eh.e_type != ET_EXEC && eh.e_type != ET_DYN && eh.e_type != ET_REL) {
        diag_note(name, "ELF type %u is neither a program, a shared object nor an object file, skipped",
                  eh.e_type);
        return;
    }
    struct ectx e = {
        .name = name, .dep_of = dep_of, .o = o, .elf = elf, .image = image,
        .size = size, .base_off = base_off, .relocatable = eh.e_type == ET_REL,
    };
    g_files++;
    where_open(&e.w, elf, e.relocatable);
    if (e.relocatable)
        section_regions(&e);
    else
        segment_regions(&e);
    if (e.nregs)
        qsort(e.regs, e.nregs, sizeof *e.regs, region_cmp);

    struct gate_src gs = {
        .elf = elf, .image = image, .size = size, .where = &e.w,
        .relocatable = e.relocatable, .bytes = bytes_at, .forged = forged, .ctx = &e,
    };
    gates_load(&gs, &e.gates);

    e.cl = classifier_new(eh.e_machine == EM_X86_64);
    e.syslib = system_library(elf);
    if (!e.cl) {
        diag_error(name, "cannot create the LLVM X86 disassembler");
    } else {
        /* Overlapping segments map one address twice: scan it once. */
        uint64_t done = 0;
        size_t done_shndx = (size_t)-1;
        for (size_t i = 0; i < e.nregs; i++) {
            struct region r = e.regs[i];
            if (r.shndx == done_shndx && done > r.vaddr) {
                uint64_t skip = done - r.vaddr;
                if (skip >= r.size)
                    continue;
                r.vaddr += skip, r.foff += skip, r.bytes += skip, r.size -= skip;
                if (r.core_lo < r.vaddr)
                    r.core_lo = r.vaddr;
            }
            done_shndx = r.shndx;
            done = r.vaddr + r.size;
            e.cur = &r;
            search_patterns(r.bytes, r.size, on_match, &e);
        }
        classifier_free(e.cl);
    }
    gates_free(&e.gates);
    where_close(&e.w);
    free(e.regs);
}
