/* system.c: known system gadgets, tolerated by default (docs/scan.md).
 *
 * Every dynamically linked program loads two PKRU writers it did not write:
 *   - glibc's pkey_set(): RDPKRU, change two bits, WRPKRU;
 *   - ld.so's lazy-binding trampolines _dl_runtime_resolve_xsave/xsavec:
 *     XSAVE(C) the registers, call the resolver, XRSTOR them with a mask
 *     (EDX:EAX) that leaves PKRU out, jump to the resolved function.
 * They are recognised by what they are, never by address, so a new glibc
 * build needs no new list. All of these must hold:
 *   - the object is that library: x86-64 shared object, by DT_SONAME;
 *   - the function around the hit is known: its symbol (.symtab, else
 *     .dynsym); ld.so ships stripped, so for it the function's .eh_frame
 *     FDE stands in when no symbol covers the hit (and any symbol that
 *     does must be one of the two trampolines);
 *   - decoding the whole function from its entry meets the hit as a real
 *     instruction, and the function has the known shape (below).
 * Anything else, in those libraries too, stays unvetted. */
#include "system.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FN_MAX 4096u /* the known functions are a few hundred bytes */
#define XFEATURE_PKRU (1ull << 9)

/* One function, decoded from its entry to its end. */
struct fn {
    uint64_t lo, hi;
    struct insn *v;
    size_t n;
};

enum syslib system_library(Elf *elf)
{
    GElf_Ehdr eh;
    if (!gelf_getehdr(elf, &eh) || eh.e_type != ET_DYN || eh.e_machine != EM_X86_64 || gelf_getclass(elf) != ELFCLASS64)
        return SYSLIB_NONE;
    for (Elf_Scn *scn = NULL; (scn = elf_nextscn(elf, scn)) != NULL;) {
        GElf_Shdr sh;
        if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_DYNAMIC || sh.sh_entsize == 0)
            continue;
        Elf_Data *d = elf_getdata(scn, NULL);
        for (size_t i = 0; d && i < d->d_size / sh.sh_entsize; i++) {
            GElf_Dyn dyn;
            if (!gelf_getdyn(d, (int)i, &dyn) || dyn.d_tag == DT_NULL)
                break;
            const char *s = dyn.d_tag == DT_SONAME ? elf_strptr(elf, sh.sh_link, dyn.d_un.d_val) : NULL;
            if (s && !strcmp(s, "libc.so.6"))
                return SYSLIB_LIBC;
            if (s && !strcmp(s, "ld-linux-x86-64.so.2"))
                return SYSLIB_LDSO;
        }
    }
    return SYSLIB_NONE;
}

/* The sized function symbol covering ADDR (named NAME, if not NULL). */
static const struct wsymbol *function_at(const struct where *w, uint64_t addr, const char *name)
{
    for (size_t i = 0; i < w->nsyms; i++) {
        const struct wsymbol *s = &w->syms[i];
        if (s->type == STT_FUNC && s->size && addr >= s->value && addr - s->value < s->size &&
            (!name || !strcmp(s->name, name)))
            return s;
    }
    return NULL;
}

/* Decodes [f->lo, f->hi): every byte must be part of an instruction, and the
 * last one must end exactly at f->hi. */
static int decode_fn(struct classifier *cl, const uint8_t *code, size_t len, uint64_t base, struct fn *f)
{
    if (f->hi <= f->lo || f->hi - f->lo > FN_MAX || f->lo < base || f->hi - base > len)
        return 0;
    f->v = malloc((size_t)(f->hi - f->lo) * sizeof *f->v);
    if (!f->v)
        return 0;
    for (uint64_t pos = f->lo; pos < f->hi; f->n++) {
        unsigned k = classifier_decode(cl, code, len, base, pos, &f->v[f->n]);
        if (k == 0 || pos + k > f->hi)
            return 0;
        pos += k;
    }
    return 1;
}

/* The instruction's mnemonic is M: its text is "M" or "M operands". */
static int is(const struct insn *i, const char *m)
{
    size_t l = strlen(m);
    return !strncmp(i->text, m, l) && (i->text[l] == 0 || i->text[l] == ' ');
}

static const char *operands(const struct insn *i)
{
    const char *s = strchr(i->text, ' ');
    return s ? s + 1 : "";
}

/* Index of the instruction starting at ADDR, or -1. */
static long insn_at(const struct fn *f, uint64_t addr)
{
    for (size_t i = 0; i < f->n; i++)
        if (f->v[i].addr == addr)
            return (long)i;
    return -1;
}

static size_t count(const struct fn *f, const char *m)
{
    size_t c = 0;
    for (size_t i = 0; i < f->n; i++)
        c += is(&f->v[i], m);
    return c;
}

/* pkey_set: the hit is the function's only WRPKRU, and an RDPKRU comes
 * before it (read PKRU, change one key's bits, write it back). */
static const char *libc_gadget(const struct fn *f, uint64_t addr, char *why, size_t n)
{
    long k = insn_at(f, addr);
    if (k < 0 || !is(&f->v[k], "wrpkru") || count(f, "wrpkru") != 1)
        return NULL;
    for (long i = 0; i < k; i++)
        if (is(&f->v[i], "rdpkru")) {
            snprintf(why, n,
                     "libc (DT_SONAME libc.so.6), pkey_set (0x%llx-0x%llx): its only WRPKRU, "
                     "after an RDPKRU",
                     (unsigned long long)f->lo, (unsigned long long)f->hi);
            return "system: glibc pkey_set";
        }
    return NULL;
}

/* "movl $IMM, %eax": sets *IMM. */
static int mov_eax(const struct insn *i, unsigned long long *imm)
{
    const char *p = operands(i);
    char *end;
    if (!is(i, "movl") || p[0] != '$')
        return 0;
    *imm = strtoull(p + 1, &end, 0);
    return !strcmp(end, ", %eax");
}

/* The lazy-binding trampoline: the hit is the function's only XRSTOR (and
 * it has no WRPKRU or XRSTORS); right before it EAX gets a constant mask
 * without PKRU and EDX is zeroed; earlier an XSAVE or XSAVEC saved the same
 * memory operand, with a call between the two; the function ends with an
 * indirect jump (to the resolved function). */
static const char *ldso_gadget(const struct fn *f, const char *name, uint64_t addr, char *why, size_t n)
{
    long k = insn_at(f, addr);
    unsigned long long mask;
    if (k < 2 || !is(&f->v[k], "xrstor") || count(f, "xrstor") != 1 || count(f, "xrstor64") || count(f, "xrstors") ||
        count(f, "xrstors64") || count(f, "wrpkru") || !mov_eax(&f->v[k - 2], &mask) || (mask & XFEATURE_PKRU) ||
        strcmp(f->v[k - 1].text, "xorl %edx, %edx") != 0)
        return NULL;
    const struct insn *last = &f->v[f->n - 1];
    if (!is(last, "jmpq") || operands(last)[0] != '*')
        return NULL;
    const char *area = operands(&f->v[k]);
    for (long j = k - 1; j >= 0; j--) {
        const struct insn *s = &f->v[j];
        if (!(is(s, "xsave") || is(s, "xsavec")) || strcmp(operands(s), area) != 0)
            continue;
        for (long c = j + 1; c < k; c++)
            if (is(&f->v[c], "callq")) {
                char fname[160];
                if (name)
                    snprintf(fname, sizeof fname, "%s (0x%llx-0x%llx)", name, (unsigned long long)f->lo,
                             (unsigned long long)f->hi);
                else
                    snprintf(fname, sizeof fname, "the function at 0x%llx-0x%llx (bounds from .eh_frame; no symbol)",
                             (unsigned long long)f->lo, (unsigned long long)f->hi);
                snprintf(why, n,
                         "ld.so (DT_SONAME ld-linux-x86-64.so.2), %s: its only XRSTOR, restoring "
                         "the area its %s saved (%s) with mask EDX:EAX = 0x%llx, without PKRU (bit 9); "
                         "a call between, an indirect jump at the end",
                         fname, s->text[5] == 'c' ? "XSAVEC" : "XSAVE", area, mask);
                return "system: ld.so lazy-binding XRSTOR";
            }
        return NULL;
    }
    return NULL;
}

const char *system_gadget(enum syslib lib, Elf *elf, const struct where *w, struct classifier *cl, const uint8_t *code,
                          size_t len, uint64_t base, uint64_t addr, enum pkind kind, char *why, size_t n)
{
    struct fn f = {0};
    const char *name = NULL, *category = NULL;
    if (lib == SYSLIB_LIBC && kind == PK_WRPKRU) {
        const struct wsymbol *s = function_at(w, addr, "pkey_set");
        if (!s)
            return NULL;
        f.lo = s->value, f.hi = s->value + s->size;
    } else if (lib == SYSLIB_LDSO && kind == PK_XRSTOR) {
        const struct wsymbol *s = function_at(w, addr, NULL);
        if (s) {
            if (strcmp(s->name, "_dl_runtime_resolve_xsave") && strcmp(s->name, "_dl_runtime_resolve_xsavec"))
                return NULL;
            name = s->name;
            f.lo = s->value, f.hi = s->value + s->size;
        } else if (!fde_bounds(elf, addr, &f.lo, &f.hi)) {
            return NULL;
        }
    } else {
        return NULL;
    }
    if (decode_fn(cl, code, len, base, &f))
        category = lib == SYSLIB_LIBC ? libc_gadget(&f, addr, why, n) : ldso_gadget(&f, name, addr, why, n);
    free(f.v);
    return category;
}
