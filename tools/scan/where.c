/* where.c: sections, symbols and DWARF lines, read with libelf and libdw.
 * Sections are sorted once per object. Symbols are sorted only once enough
 * hits ask for them to pay for it: a large library with a few hits (or
 * none) would spend more time sorting its symbol table than scanning its
 * code; until then each lookup is a pass over the table. */
#include "where.h"

#include <elfutils/libdw.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int sec_cmp(const void *a, const void *b)
{
    const struct wsection *x = a, *y = b;
    return x->addr < y->addr ? -1 : x->addr > y->addr ? 1 : (x->index > y->index) - (x->index < y->index);
}

/* Prefer functions, then global names, so "foo" wins over a local label. */
static int sym_rank(const struct wsymbol *s)
{
    return (s->type == STT_FUNC || s->type == STT_GNU_IFUNC) ? 0 : s->type == STT_OBJECT ? 1 : 2;
}

/* The order of names at one address: better rank last (lookup takes the
 * last), then by name, so that sorted and unsorted lookups agree. */
static int sym_better(const struct wsymbol *x, const struct wsymbol *y)
{
    if (sym_rank(x) != sym_rank(y))
        return sym_rank(y) - sym_rank(x);
    return strcmp(x->name, y->name);
}

static int sym_cmp(const void *a, const void *b)
{
    const struct wsymbol *x = a, *y = b;
    if (x->shndx != y->shndx)
        return x->shndx < y->shndx ? -1 : 1;
    if (x->value != y->value)
        return x->value < y->value ? -1 : 1;
    return sym_better(x, y);
}

static void load_sections(struct where *w, size_t shstrndx)
{
    size_t n;
    if (elf_getshdrnum(w->elf, &n) != 0 || n == 0)
        return;
    w->secs = calloc(n, sizeof *w->secs);
    if (!w->secs)
        return;
    for (Elf_Scn *scn = NULL; (scn = elf_nextscn(w->elf, scn)) != NULL;) {
        GElf_Shdr sh;
        if (!gelf_getshdr(scn, &sh) || w->nsecs >= n)
            continue;
        struct wsection *s = &w->secs[w->nsecs++];
        s->index = elf_ndxscn(scn);
        s->name = elf_strptr(w->elf, shstrndx, sh.sh_name);
        if (!s->name)
            s->name = "?";
        s->addr = sh.sh_addr, s->size = sh.sh_size, s->offset = sh.sh_offset;
        s->flags = sh.sh_flags, s->type = sh.sh_type;
    }
    if (!w->relocatable)
        qsort(w->secs, w->nsecs, sizeof *w->secs, sec_cmp);
}

/* Symbols from .symtab, or from .dynsym in stripped files. */
static void load_symbols(struct where *w, uint32_t type)
{
    for (Elf_Scn *scn = NULL; (scn = elf_nextscn(w->elf, scn)) != NULL;) {
        GElf_Shdr sh;
        if (!gelf_getshdr(scn, &sh) || sh.sh_type != type || sh.sh_entsize == 0)
            continue;
        Elf_Data *d = elf_getdata(scn, NULL);
        if (!d)
            continue;
        /* Names straight from the string table when it ends in a NUL (any
         * offset inside is then a string), else through elf_strptr. */
        Elf_Scn *strscn = elf_getscn(w->elf, sh.sh_link);
        Elf_Data *str = strscn ? elf_getdata(strscn, NULL) : NULL;
        const char *strtab =
            str && str->d_buf && str->d_size && ((const char *)str->d_buf)[str->d_size - 1] == 0 ? str->d_buf : NULL;
        /* ELF64 symbols in memory order can be read in place. */
        const Elf64_Sym *raw = gelf_getclass(w->elf) == ELFCLASS64 && d->d_type == ELF_T_SYM &&
                                       sh.sh_entsize == sizeof(Elf64_Sym) &&
                                       (uintptr_t)d->d_buf % _Alignof(Elf64_Sym) == 0
                                   ? d->d_buf
                                   : NULL;
        size_t n = d->d_size / sh.sh_entsize;
        /* n == 0 would make realloc free the table (found by the fuzzer);
         * a count whose table size overflows is corrupt. */
        if (n == 0 || n > (SIZE_MAX / sizeof *w->syms) - w->nsyms)
            continue;
        struct wsymbol *m = realloc(w->syms, (w->nsyms + n) * sizeof *m);
        if (!m)
            return;
        w->syms = m;
        for (size_t i = 0; i < n; i++) {
            GElf_Sym sym;
            if (raw)
                sym = raw[i];
            else if (!gelf_getsym(d, (int)i, &sym))
                break;
            int t = GELF_ST_TYPE(sym.st_info);
            if (sym.st_shndx == SHN_UNDEF || sym.st_shndx >= SHN_LORESERVE || t == STT_SECTION || t == STT_FILE ||
                t == STT_TLS)
                continue;
            const char *name = !strtab                     ? elf_strptr(w->elf, sh.sh_link, sym.st_name)
                               : sym.st_name < str->d_size ? strtab + sym.st_name
                                                           : NULL;
            if (!name || !*name)
                continue;
            struct wsymbol *s = &w->syms[w->nsyms++];
            s->name = name, s->value = sym.st_value, s->size = sym.st_size;
            s->shndx = w->relocatable ? sym.st_shndx : 0;
            s->type = t;
        }
    }
}

void where_open(struct where *w, Elf *elf, int relocatable)
{
    memset(w, 0, sizeof *w);
    w->elf = elf;
    w->relocatable = relocatable;
    size_t shstrndx;
    if (elf_getshdrstrndx(elf, &shstrndx) != 0)
        shstrndx = 0;
    load_sections(w, shstrndx);
    load_symbols(w, SHT_SYMTAB);
    if (w->nsyms == 0)
        load_symbols(w, SHT_DYNSYM);
    /* In .o files the DWARF addresses are unrelocated (all sections start at
     * 0), so lines would be wrong: only linked files get source lines. */
    if (!relocatable)
        w->dwarf = dwarf_begin_elf(elf, DWARF_C_READ, NULL);
}

void where_close(struct where *w)
{
    if (w->dwarf)
        dwarf_end(w->dwarf);
    free(w->secs);
    free(w->syms);
    memset(w, 0, sizeof *w);
}

const struct wsection *where_section_by_index(const struct where *w, size_t index)
{
    for (size_t i = 0; i < w->nsecs; i++)
        if (w->secs[i].index == index)
            return &w->secs[i];
    return NULL;
}

const struct wsection *where_section_at(const struct where *w, uint64_t a)
{
    /* Sections may overlap (TLS .tbss, malformed files), so scan back from
     * the last one that starts at or before A for one that contains it. */
    size_t lo = 0, hi = w->nsecs;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (w->secs[mid].addr <= a)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t i = lo, tries = 0; i-- > 0 && tries < 64; tries++) {
        const struct wsection *s = &w->secs[i];
        if ((s->flags & SHF_ALLOC) && s->type != SHT_NOBITS && a - s->addr < s->size)
            return s;
    }
    return NULL;
}

/* The best symbol at or before A in SHNDX: the one with the highest value,
 * then the best rank and name (sym_better), as the sorted lookup finds. */
static const struct wsymbol *symbol_by_pass(const struct where *w, size_t shndx, uint64_t a)
{
    const struct wsymbol *best = NULL;
    for (size_t i = 0; i < w->nsyms; i++) {
        const struct wsymbol *s = &w->syms[i];
        if (s->shndx != shndx || s->value > a)
            continue;
        if (!best || s->value > best->value || (s->value == best->value && sym_better(s, best) > 0))
            best = s;
    }
    return best;
}

static const struct wsymbol *symbol_by_search(const struct where *w, size_t shndx, uint64_t a)
{
    size_t lo = 0, hi = w->nsyms;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const struct wsymbol *s = &w->syms[mid];
        if (s->shndx < shndx || (s->shndx == shndx && s->value <= a))
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0 || w->syms[lo - 1].shndx != shndx)
        return NULL;
    return &w->syms[lo - 1];
}

#define PASSES_BEFORE_SORT 16 /* a sort costs about as many passes */

const struct wsymbol *where_symbol(struct where *w, size_t shndx, uint64_t a)
{
    if (!w->relocatable)
        shndx = 0;
    const struct wsymbol *s;
    if (!w->syms_sorted && ++w->symbol_passes <= PASSES_BEFORE_SORT) {
        s = symbol_by_pass(w, shndx, a);
    } else {
        if (!w->syms_sorted && w->syms)
            qsort(w->syms, w->nsyms, sizeof *w->syms, sym_cmp);
        w->syms_sorted = 1;
        s = symbol_by_search(w, shndx, a);
    }
    /* A sized symbol that ends before A does not name it: in stripped
     * libraries the nearest export can be far away and would mislead. */
    if (!s || (s->size && a - s->value >= s->size))
        return NULL;
    return s;
}

/* The CU covering A. Clang emits no .debug_aranges by default, and then
 * dwarf_addrdie finds nothing, so fall back to asking each CU. */
static int find_cu(Dwarf *dw, uint64_t a, Dwarf_Die *cu)
{
    if (dwarf_addrdie(dw, a, cu))
        return 1;
    Dwarf_Off off = 0, next;
    size_t hsize;
    for (int n = 0; n < 1000000 && dwarf_nextcu(dw, off, &next, &hsize, NULL, NULL, NULL) == 0; n++) {
        if (dwarf_offdie(dw, off + hsize, cu) && dwarf_haspc(cu, a) > 0)
            return 1;
        if (next <= off)
            break;
        off = next;
    }
    return 0;
}

int where_line(const struct where *w, uint64_t a, const char **file, int *line)
{
    Dwarf_Die cu;
    if (!w->dwarf || !find_cu(w->dwarf, a, &cu))
        return 0;
    Dwarf_Line *l = dwarf_getsrc_die(&cu, a);
    if (!l)
        return 0;
    const char *f = dwarf_linesrc(l, NULL, NULL);
    int n = 0;
    if (!f || dwarf_lineno(l, &n) != 0)
        return 0;
    *file = f, *line = n;
    return 1;
}
