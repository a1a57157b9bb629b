/* elfscan.c: scan one ELF object.
 *
 * What is scanned is what the CPU could execute: in linked files the memory
 * ld.so maps executable (loadmap.c: PT_LOAD segments with PF_X, as whole
 * pages, so file bytes next to a segment are executable too, and segments
 * that follow each other in memory searched as one); in relocatable objects
 * the SHF_EXECINSTR sections. Each hit is then located (section, symbol,
 * line), classified, vetted and handed to the output. */
#include "gates.h"
#include "loadmap.h"
#include "scan.h"
#include "system.h"
#include "where.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SYNC_MAX 16384u /* farthest a symbol/section start may be to decode from */
#define SYNC_GUESS 64u  /* else decode from this far back: x86 resyncs quickly */

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
    struct classifier *cl; /* created for the first hit that needs it */
    int is64, no_classifier;
    enum syslib syslib; /* the C library or ld.so: may hold known system gadgets */
    const struct region *cur;
    char note[160];
    char syswhy[400]; /* what the current hit was recognised by */
    char key[320];
};

static int region_cmp(const void *a, const void *b)
{
    const struct region *x = a, *y = b;
    if (x->shndx != y->shndx)
        return x->shndx < y->shndx ? -1 : 1;
    return (x->vaddr > y->vaddr) - (x->vaddr < y->vaddr);
}

/* SHF_EXECINSTR sections of a relocatable object; addresses are offsets. */
static void section_regions(struct ectx *e)
{
    for (size_t i = 0; i < e->w.nsecs; i++) {
        const struct wsection *s = &e->w.secs[i];
        if (!(s->flags & SHF_EXECINSTR) || s->type == SHT_NOBITS || s->size == 0)
            continue;
        if (s->offset > e->size || s->size > e->size - s->offset) {
            diag_error(e->name, "section %s (offset 0x%llx, size 0x%llx) extends past the end of the file", s->name,
                       (unsigned long long)s->offset, (unsigned long long)s->size);
            continue;
        }
        loadmap_section(s->index, s->offset, (size_t)s->size, e->image, &e->regs, &e->nregs);
    }
}

/* gate_src.bytes: executable bytes around ADDR, or NULL. */
static const uint8_t *bytes_at(void *ctx, size_t shndx, uint64_t addr, size_t before, size_t after)
{
    struct ectx *e = ctx;
    for (size_t i = 0; i < e->nregs; i++) {
        const struct region *r = &e->regs[i];
        if (r->shndx != shndx || addr < r->vaddr || addr - r->vaddr < before || addr - r->vaddr > r->size ||
            r->size - (addr - r->vaddr) < after)
            continue;
        return r->bytes + (addr - r->vaddr);
    }
    return NULL;
}

static const char *section_name(struct ectx *e, size_t shndx, uint64_t addr)
{
    const struct wsection *s = e->relocatable ? where_section_by_index(&e->w, shndx) : where_section_at(&e->w, addr);
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
        snprintf(e->key, sizeof e->key, "%s+0x%llx", f->section ? f->section : "?", (unsigned long long)f->addr);
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
    for (size_t i = 0; i < e->nregs; i++) {
        const struct region *r = &e->regs[i];
        if (r->shndx == shndx && addr - r->vaddr < r->size) {
            const struct piece *pc = region_piece(r, addr);
            f.file_offset = e->base_off + pc->foff + (addr - pc->vaddr);
            break;
        }
    }
    out_finding(&f);
}

/* Where to start decoding for a hit at ADDR: a boundary we know, or a guess. */
static uint64_t sync_point(struct ectx *e, const struct region *r, const struct wsection *sec,
                           const struct wsymbol *sym, uint64_t addr, const char **note)
{
    const struct piece *pc = region_piece(r, addr);
    uint64_t lo = pc->core_lo > r->vaddr ? pc->core_lo : r->vaddr;
    if (sec && sec->addr > lo && !e->relocatable)
        lo = sec->addr;
    if (sym && sym->value >= lo && addr - sym->value <= SYNC_MAX)
        return sym->value;
    if (addr - lo <= SYNC_MAX)
        return lo;
    *note = "decoded from a guessed start (no symbol nearby)";
    return addr - SYNC_GUESS;
}

/* The disassembler, loaded for the first hit that needs it: most files
 * have no hit in code, and loading LLVM costs more than scanning them. */
static struct classifier *classifier(struct ectx *e)
{
    if (!e->cl && !e->no_classifier) {
        const char *why = "unknown reason";
        e->cl = classifier_new(e->is64, &why);
        if (!e->cl) {
            diag_error(e->name, "cannot load LLVM's X86 disassembler to classify hits: %s", why);
            e->no_classifier = 1;
        }
    }
    return e->cl;
}

static void classify(struct ectx *e, const struct region *r, struct finding *f)
{
    const struct wsection *sec =
        e->relocatable ? where_section_by_index(&e->w, r->shndx) : where_section_at(&e->w, f->addr);
    const struct wsymbol *sym = where_symbol(&e->w, r->shndx, f->addr);
    struct classification *c = &f->cl;
    const struct piece *pc = region_piece(r, f->addr);
    if (f->addr < pc->core_lo || f->addr >= pc->core_hi) {
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
    if (!classifier(e)) {
        c->cls = HC_DATA;
        c->note = "not classified: no disassembler";
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
    const struct piece *pc = region_piece(r, f.addr);
    f.file_offset = e->base_off + pc->foff + (f.addr - pc->vaddr);
    int gate = kind == PK_WRPKRU && gates_contains(&e->gates, r->shndx, f.addr);
    /* Most hits in a program Bulkhead built are its gates: when the report
     * does not show vetted hits, a gate is counted, not looked up or
     * decoded (which would load LLVM for nothing). */
    if (gate && !out_shows_vetted()) {
        f.file = e->name;
        f.vetted = 1;
        f.vetted_by = "gate manifest";
        out_finding(&f);
        return 0;
    }
    locate(e, &f, r->shndx);
    classify(e, r, &f);

    size_t from = off >= 8 ? off - 8 : 0, to = off + 8 <= r->size ? off + 8 : r->size;
    f.ctx_len = (int)(to - from);
    f.ctx_hit = (int)(off - from);
    memcpy(f.ctx, r->bytes + from, to - from);

    if (e->syslib && classifier(e)) {
        f.system = system_gadget(e->syslib, e->elf, &e->w, e->cl, r->bytes, r->size, r->vaddr, f.addr, kind, e->syswhy,
                                 sizeof e->syswhy);
        f.system_why = f.system ? e->syswhy : NULL;
    }
    /* A known system gadget is vetted before the allowlist is asked, so
     * allowlist entries for one are reported as matching nothing. */
    if (gate)
        f.vetted_by = "gate manifest";
    else if (f.system && !e->o->no_system_gadgets)
        f.vetted_by = f.system;
    else
        f.vetted_by = allow_lookup(e->o->allow, e->name, e->key);
    if (!f.vetted_by && f.symbol) {
        /* symbol+offset as reported: stays true when the program is relinked */
        snprintf(e->key, sizeof e->key, "%s+0x%llx", f.symbol, (unsigned long long)f.symbol_offset);
        f.vetted_by = allow_lookup(e->o->allow, e->name, e->key);
    }
    f.vetted = f.vetted_by != NULL;
    out_finding(&f);
    return 0;
}

void scan_elf(const char *name, Elf *elf, const uint8_t *image, size_t size, uint64_t base_off, const struct options *o,
              const char *dep_of)
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
        diag_note(name, "ELF type %u is neither a program, a shared object nor an object file, skipped", eh.e_type);
        return;
    }
    struct ectx e = {
        .name = name,
        .dep_of = dep_of,
        .o = o,
        .elf = elf,
        .image = image,
        .size = size,
        .base_off = base_off,
        .relocatable = eh.e_type == ET_REL,
        .is64 = eh.e_machine == EM_X86_64,
    };
    g_files++;
    where_open(&e.w, elf, e.relocatable);
    if (e.relocatable)
        section_regions(&e);
    else
        loadmap_segments(name, elf, image, size, &e.regs, &e.nregs);
    if (e.nregs)
        qsort(e.regs, e.nregs, sizeof *e.regs, region_cmp);

    struct gate_src gs = {
        .elf = elf,
        .image = image,
        .size = size,
        .where = &e.w,
        .relocatable = e.relocatable,
        .bytes = bytes_at,
        .forged = forged,
        .ctx = &e,
    };
    gates_load(&gs, &e.gates);

    e.syslib = system_library(elf);
    for (size_t i = 0; i < e.nregs; i++) {
        e.cur = &e.regs[i];
        search_patterns(e.cur->bytes, e.cur->size, on_match, &e);
    }
    classifier_free(e.cl);
    gates_free(&e.gates);
    where_close(&e.w);
    loadmap_free(e.regs, e.nregs);
}
