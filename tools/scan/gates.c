/* gates.c: read the gate manifest and check each entry against the code.
 *
 * The manifest only names addresses; trusting it blindly would let anyone
 * whitelist a stray WRPKRU by adding its address. So an entry counts only if
 * the bytes there are a gate whose WRPKRU is followed by a check that PKRU
 * holds the intended value (else ud2), which makes jumping straight to the
 * WRPKRU with a chosen EAX useless to an attacker. Two forms are accepted:
 *
 *   Bulkhead:  8B 05 d1   mov  SYM(%rip),%eax
 *              0F 01 EF   wrpkru                  <- listed address
 *              3B 05 d2   cmp  SYM(%rip),%eax     (same SYM as the mov)
 *              74 02      je   1f
 *              0F 0B      ud2
 *   ERIM:      B8 imm     mov  $imm,%eax
 *              0F 01 EF   wrpkru                  <- listed address
 *              3D imm     cmp  $imm,%eax          (same imm)
 *              75/0F 85   jne  ud2, or back to the mov (retry)
 */
#include "gates.h"

#include "patterns.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
    return le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* The relocation (RELA) that applies at OFF of section SHNDX, if any.
 * Resolves its symbol to a (section, value) pair so two references to the
 * same variable compare equal however the assembler named it. */
struct reloc {
    int found;
    uint32_t type;
    size_t shndx;
    uint64_t value;
    int64_t addend;
    size_t symidx;
};

static struct reloc reloc_at(const struct gate_src *s, size_t shndx, uint64_t off)
{
    struct reloc r = {0};
    for (Elf_Scn *scn = NULL; (scn = elf_nextscn(s->elf, scn)) != NULL;) {
        GElf_Shdr sh;
        if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_RELA || sh.sh_info != shndx || sh.sh_entsize == 0)
            continue;
        Elf_Data *d = elf_getdata(scn, NULL);
        Elf_Scn *symscn = elf_getscn(s->elf, sh.sh_link);
        Elf_Data *syms = symscn ? elf_getdata(symscn, NULL) : NULL;
        if (!d)
            continue;
        size_t n = d->d_size / sh.sh_entsize;
        for (size_t i = 0; i < n; i++) {
            GElf_Rela ra;
            if (!gelf_getrela(d, (int)i, &ra))
                break;
            if (ra.r_offset != off)
                continue;
            GElf_Sym sym;
            r.found = 1;
            r.type = (uint32_t)GELF_R_TYPE(ra.r_info);
            r.addend = ra.r_addend;
            r.symidx = GELF_R_SYM(ra.r_info);
            if (syms && gelf_getsym(syms, (int)r.symidx, &sym) && sym.st_shndx != SHN_UNDEF) {
                r.shndx = sym.st_shndx;
                r.value = sym.st_value;
                r.symidx = 0; /* defined: compare by place, not by name */
            }
            return r;
        }
    }
    return r;
}

static int same_reloc(const struct reloc *a, const struct reloc *b)
{
    return a->type == b->type && a->type == R_X86_64_PC32 && a->symidx == b->symidx && a->shndx == b->shndx &&
           a->value + a->addend == b->value + b->addend;
}

/* Bulkhead's checked gate (its encoding: BH_GATE_* in include/bulkhead/abi.h;
 * its shape: patterns/, shared with the runtime); NULL if it is one, else
 * what is wrong. */
static const char *check_bulkhead(const struct gate_src *s, size_t shndx, uint64_t a, const uint8_t *p)
{
    const char *why = bh_gate_shape(p);
    if (why)
        return why;
    if (s->relocatable) {
        struct reloc r1 = reloc_at(s, shndx, a - 4), r2 = reloc_at(s, shndx, a + BH_GATE_CHECK_AT + 2);
        if (r1.found || r2.found) {
            if (!r1.found || !r2.found || !same_reloc(&r1, &r2))
                return "the check compares against another variable than the mov loaded";
            return NULL;
        }
    }
    if (!bh_gate_same_word(p))
        return "the check compares against another variable than the mov loaded";
    return NULL;
}

static int is_xor_zero(const uint8_t *p) /* xor %ecx,%ecx or xor %edx,%edx */
{
    return (p[0] == 0x31 || p[0] == 0x33) && (p[1] == 0xC9 || p[1] == 0xD2);
}

/* ERIM's gate; NULL if it is one, else what is wrong. */
static const char *check_erim(const struct gate_src *s, size_t shndx, uint64_t a, const uint8_t *p)
{
    if (p[-5] != 0xB8 || p[3] != 0x3D || le32(p - 4) != le32(p + 4))
        return "not a checked gate";
    uint64_t target;
    if (p[8] == 0x75)
        target = a + 10 + (uint64_t)(int64_t)(int8_t)p[9];
    else if (p[8] == 0x0F && p[9] == 0x85)
        target = a + 14 + (uint64_t)(int64_t)(int32_t)le32(p + 10);
    else
        return "no 'jne' after the check";
    /* retry: back to the mov, or to the xors that zero ECX/EDX before it */
    uint64_t mov = a - 5;
    if (target == mov)
        return NULL;
    if (target < mov && mov - target <= 4 && (mov - target) % 2 == 0) {
        const uint8_t *q = s->bytes(s->ctx, shndx, target, 0, (size_t)(mov - target));
        if (q && is_xor_zero(q) && (mov - target == 2 || is_xor_zero(q + 2)))
            return NULL;
    }
    const uint8_t *u = s->bytes(s->ctx, shndx, target, 0, 2);
    if (u && u[0] == 0x0F && u[1] == 0x0B)
        return NULL;
    return "the 'jne' after the check goes neither to ud2 nor back to the gate";
}

static const char *check_gate(const struct gate_src *s, size_t shndx, uint64_t a)
{
    const uint8_t *p = s->bytes(s->ctx, shndx, a, 0, 3);
    if (!p)
        return "address is not in executable code";
    if (p[0] != 0x0F || p[1] != 0x01 || p[2] != 0xEF)
        return "no WRPKRU at this address";
    if ((p = s->bytes(s->ctx, shndx, a, BH_GATE_LOAD_BEFORE, BH_GATE_UD2_AT + 2)) != NULL &&
        p[-BH_GATE_LOAD_BEFORE] == 0x8B && p[-BH_GATE_LOAD_BEFORE + 1] == 0x05)
        return check_bulkhead(s, shndx, a, p);
    if ((p = s->bytes(s->ctx, shndx, a, 5, 14)) != NULL && p[-5] == 0xB8)
        return check_erim(s, shndx, a, p);
    return "WRPKRU without the check that PKRU got the intended value";
}

static void add(struct gateset *g, size_t *cap, size_t shndx, uint64_t addr)
{
    if (g->n == *cap) {
        size_t nc = *cap ? *cap * 2 : 16;
        struct gate *v = realloc(g->v, nc * sizeof *v);
        if (!v)
            return;
        g->v = v, *cap = nc;
    }
    g->v[g->n].shndx = shndx, g->v[g->n].addr = addr;
    g->n++;
}

static int gate_cmp(const void *a, const void *b)
{
    const struct gate *x = a, *y = b;
    if (x->shndx != y->shndx)
        return x->shndx < y->shndx ? -1 : 1;
    return (x->addr > y->addr) - (x->addr < y->addr);
}

/* In .o files an entry is a R_X86_64_64 relocation against the code. */
static int entry_target(const struct gate_src *s, size_t mscn, uint64_t off, uint64_t raw, size_t *shndx,
                        uint64_t *addr)
{
    if (!s->relocatable) {
        *shndx = 0, *addr = raw;
        return 1;
    }
    struct reloc r = reloc_at(s, mscn, off);
    if (!r.found || r.type != R_X86_64_64 || r.symidx != 0)
        return 0;
    *shndx = r.shndx, *addr = r.value + (uint64_t)r.addend;
    return 1;
}

void gates_load(const struct gate_src *s, struct gateset *out)
{
    size_t cap = 0;
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < s->where->nsecs; i++) {
        const struct wsection *m = &s->where->secs[i];
        if (strcmp(m->name, GATES_SECTION) != 0 || m->type == SHT_NOBITS)
            continue;
        if (m->offset > s->size || m->size > s->size - m->offset) {
            s->forged(s->ctx, 0, 0, "the gate manifest lies outside the file");
            continue;
        }
        if (m->size % 8)
            s->forged(s->ctx, 0, 0, "the gate manifest size is not a multiple of 8");
        for (uint64_t off = 0; off + 8 <= m->size; off += 8) {
            uint64_t raw = le64(s->image + m->offset + off), addr;
            size_t shndx;
            int has = entry_target(s, m->index, off, raw, &shndx, &addr);
            if (!has && (raw == 0 || raw == ~(uint64_t)0))
                continue; /* discarded by --gc-sections (or not relocated) */
            if (has && !s->relocatable && (addr == 0 || addr == ~(uint64_t)0))
                continue;
            if (!has) {
                s->forged(s->ctx, 0, raw, "manifest entry without a relocation to code");
                continue;
            }
            const char *why = check_gate(s, shndx, addr);
            if (why)
                s->forged(s->ctx, shndx, addr, why);
            else
                add(out, &cap, shndx, addr);
        }
    }
    if (out->n)
        qsort(out->v, out->n, sizeof *out->v, gate_cmp);
}

int gates_contains(const struct gateset *g, size_t shndx, uint64_t addr)
{
    struct gate key = {shndx, addr};
    return g->n && bsearch(&key, g->v, g->n, sizeof key, gate_cmp) != NULL;
}

void gates_free(struct gateset *g)
{
    free(g->v);
    memset(g, 0, sizeof *g);
}
