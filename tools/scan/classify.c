/* classify.c: say what the bytes of a hit are, using LLVM's disassembler.
 *
 * We decode linearly from a known instruction boundary (a symbol or section
 * start) up to the hit. The LLVM C API gives text and length only, but its
 * operand-info callback is called for every displacement, immediate and
 * branch offset with the field's offset and size inside the instruction:
 * that tells us exactly which field the hit bytes sit in. */
#include "llvmdis.h"
#include "scan.h"

#include <stdlib.h>
#include <string.h>

#define MAX_FIELDS 4

struct field {
    unsigned off, size;
};

struct classifier {
    const struct llvm_dis *api;
    LLVMDisasmContextRef dc;
    /* operand fields of the instruction decoded last (filled by op_info) */
    struct field fields[MAX_FIELDS];
    int nfields;
    /* the sweep we can continue: same code buffer and start, at POS */
    const uint8_t *code;
    uint64_t sync, pos;
};

const char *hclass_name(enum hclass c)
{
    switch (c) {
    case HC_INSN:
        return "insn";
    case HC_IMM:
        return "imm";
    case HC_DISP:
        return "disp";
    case HC_REL:
        return "rel";
    case HC_SPAN:
        return "span";
    case HC_ENC:
        return "encoding";
    case HC_DATA:
        return "data";
    }
    return "?";
}

/* LLVMOpInfoCallback: records the field; returns 0 so nothing is symbolized. */
static int op_info(void *info, uint64_t pc, uint64_t offset, uint64_t opsize, uint64_t instsize, int tag, void *tagbuf)
{
    struct classifier *c = info;
    (void)pc, (void)instsize, (void)tag, (void)tagbuf;
    if (c->nfields < MAX_FIELDS) {
        c->fields[c->nfields].off = (unsigned)offset;
        c->fields[c->nfields].size = (unsigned)opsize;
        c->nfields++;
    }
    return 0;
}

struct classifier *classifier_new(int is64, const char **why)
{
    const struct llvm_dis *api = llvm_dis(why);
    if (!api)
        return NULL;
    struct classifier *c = calloc(1, sizeof *c);
    if (!c) {
        *why = "out of memory";
        return NULL;
    }
    c->api = api;
    c->dc = api->create(is64 ? "x86_64-unknown-linux-gnu" : "i386-unknown-linux-gnu", c, 1, op_info, NULL);
    if (!c->dc) {
        free(c);
        *why = "LLVM has no X86 disassembler";
        return NULL;
    }
    api->set_options(c->dc, LLVMDisassembler_Option_PrintImmHex);
    return c;
}

void classifier_free(struct classifier *c)
{
    if (c) {
        c->api->dispose(c->dc);
        free(c);
    }
}

unsigned classifier_decode(struct classifier *c, const uint8_t *code, size_t len, uint64_t base, uint64_t addr,
                           struct insn *out)
{
    char text[sizeof out->text];
    c->nfields = 0;
    size_t n = c->api->disasm(c->dc, (uint8_t *)code + (addr - base), len - (addr - base), addr, text, sizeof text);
    if (out) {
        const char *t = text;
        while (*t == '\t' || *t == ' ')
            t++;
        size_t k = 0;
        for (; t[k] && k + 1 < sizeof out->text; k++) /* tabs read badly */
            out->text[k] = t[k] == '\t' ? ' ' : t[k];
        out->text[k] = 0;
        out->addr = addr;
        out->len = (unsigned)n;
    }
    return (unsigned)n;
}

static int is_branch(const char *text)
{
    return text[0] == 'j' || !strncmp(text, "call", 4) || !strncmp(text, "loop", 4) || !strncmp(text, "xbegin", 6);
}

/* Which operand field holds byte OFF of the instruction just decoded. In AT&T
 * text a memory operand has '(' and immediates have '$'; the X86 decoder
 * reports the displacement (possibly empty) before the immediate. */
static enum hclass field_class(const struct classifier *c, const char *text, unsigned off)
{
    int has_mem = strchr(text, '(') != NULL, has_imm = strchr(text, '$') != NULL;
    for (int i = 0; i < c->nfields; i++) {
        const struct field *f = &c->fields[i];
        if (off < f->off || off >= f->off + f->size)
            continue;
        if (has_mem)
            return i == 0 ? HC_DISP : HC_IMM;
        if (has_imm)
            return HC_IMM;
        return is_branch(text) ? HC_REL : HC_DISP; /* moffs: an address */
    }
    return HC_ENC;
}

static const char *real_mnemonic[] = {"wrpkru", "xrstor", "xrstors"};

void classify_hit(struct classifier *c, const uint8_t *code, size_t len, uint64_t base, uint64_t sync, uint64_t hit,
                  struct classification *out)
{
    memset(out, 0, sizeof *out);
    uint64_t end = base + len, pos = sync;
    if (c->code == code && c->sync == sync && c->pos <= hit && c->pos >= sync)
        pos = c->pos;

    /* Sweep to the instruction that contains HIT. Bytes that do not decode
     * are skipped one at a time, as data. */
    struct insn cur;
    for (;;) {
        unsigned n = classifier_decode(c, code, len, base, pos, &cur);
        if (n == 0) {
            if (pos == hit) {
                c->code = code, c->sync = sync, c->pos = pos;
                out->cls = HC_DATA;
                out->note = "bytes that do not decode as an instruction";
                return;
            }
            pos++;
            continue;
        }
        if (pos + n > hit)
            break;
        pos += n;
    }
    c->code = code, c->sync = sync, c->pos = pos;
    out->insn[0] = cur;
    out->ninsn = 1;

    enum hclass where = field_class(c, cur.text, (unsigned)(hit - pos));
    if (hit + PATTERN_LEN > pos + cur.len) {
        out->cls = HC_SPAN;
        out->first_part = where;
        if (pos + cur.len < end && classifier_decode(c, code, len, base, pos + cur.len, &out->insn[1]))
            out->ninsn = 2;
        return;
    }
    if (where != HC_ENC) {
        out->cls = where;
        return;
    }
    /* The hit is the instruction's own opcode (after any prefixes) when the
     * instruction decoded at HIT is the same one, ending at the same byte. */
    struct insn at;
    unsigned n = classifier_decode(c, code, len, base, hit, &at);
    for (size_t k = 0; k < sizeof real_mnemonic / sizeof *real_mnemonic; k++) {
        size_t ml = strlen(real_mnemonic[k]);
        if (n && hit + n == pos + cur.len && !strncmp(cur.text, real_mnemonic[k], ml) &&
            (cur.text[ml] == 0 || cur.text[ml] == ' ' || cur.text[ml] == '6')) {
            out->cls = HC_INSN;
            return;
        }
    }
    out->cls = HC_ENC; /* e.g. starts in a ModRM or SIB byte */
}
