/* output.c: findings as compiler-style text, JSON or SARIF 2.1.0, and the
 * diagnostics (errors, warnings, notes) about files themselves.
 *
 * Findings are streamed as they are found, so a huge report needs no memory;
 * diagnostics are also kept to be embedded in the JSON/SARIF document. */
#include "scan.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int g_errors, g_unvetted, g_vetted, g_system, g_files;

static FILE *out;
static const struct options *opts;
static int nresults, quiet;

struct diag {
    const char *level;
    char *file, *msg;
};
static struct diag *diags;
static size_t ndiags;

void out_set_stream(void *fp)
{
    out = fp;
}
void diag_set_quiet(int q)
{
    quiet = q;
}

static void vdiag(const char *level, const char *file, const char *fmt, va_list ap)
{
    char msg[1024];
    vsnprintf(msg, sizeof msg, fmt, ap);
    if (out)
        fflush(out); /* keep findings and diagnostics in order on a terminal or pipe */
    if (quiet < 2 && (!quiet || strcmp(level, "note") != 0))
        fprintf(stderr, "bulkhead-scan: %s: %s: %s\n", file, level, msg);
    struct diag *d = realloc(diags, (ndiags + 1) * sizeof *d);
    if (d && strcmp(level, "note") != 0) {
        diags = d;
        diags[ndiags].level = level;
        diags[ndiags].file = strdup(file);
        diags[ndiags].msg = strdup(msg);
        ndiags++;
    } else if (d) {
        diags = d;
    }
}

#define DIAG(name, level, count)                                                                                       \
    void name(const char *file, const char *fmt, ...)                                                                  \
    {                                                                                                                  \
        va_list ap;                                                                                                    \
        va_start(ap, fmt);                                                                                             \
        vdiag(level, file, fmt, ap);                                                                                   \
        va_end(ap);                                                                                                    \
        count;                                                                                                         \
    }
DIAG(diag_error, "error", g_errors++)
DIAG(diag_warning, "warning", (void)0)
DIAG(diag_note, "note", (void)0)

/* ---- shared wording ---- */

static const char *where_words(enum hclass c)
{
    switch (c) {
    case HC_IMM:
        return "in the immediate of";
    case HC_DISP:
        return "in the displacement of";
    case HC_REL:
        return "in the branch offset of";
    case HC_ENC:
        return "inside the encoding of";
    default:
        return "in";
    }
}

/* One sentence saying what the hit is. */
static void describe(const struct finding *f, char *buf, size_t n)
{
    const struct classification *c = &f->cl;
    const char *k = pkind_name(f->kind);
    if (f->kind == PK_FORGED_GATE) {
        snprintf(buf, n, "gate manifest entry is not a checked gate: %s", f->detail);
        return;
    }
    switch (c->cls) {
    case HC_INSN:
        snprintf(buf, n, "%s instruction '%s'", k, c->insn[0].text);
        break;
    case HC_SPAN:
        if (c->ninsn == 2)
            snprintf(buf, n, "%s spanning '%s' and '%s'", k, c->insn[0].text, c->insn[1].text);
        else
            snprintf(buf, n, "%s spanning the end of '%s'", k, c->insn[0].text);
        break;
    case HC_DATA:
        snprintf(buf, n, "%s in bytes that are not code (%s)", k, c->note ? c->note : "data");
        break;
    default:
        snprintf(buf, n, "%s %s '%s'", k, where_words(c->cls), c->insn[0].text);
        break;
    }
}

static void addr_str(const struct finding *f, char *buf, size_t n)
{
    if (f->relocatable)
        snprintf(buf, n, "%s+0x%llx", f->section ? f->section : "?", (unsigned long long)f->addr);
    else
        snprintf(buf, n, "0x%llx", (unsigned long long)f->addr);
}

static void hex_context(const struct finding *f, char *buf, size_t n)
{
    size_t k = 0;
    buf[0] = 0;
    for (int i = 0; i < f->ctx_len && k + 8 < n; i++) {
        const char *pre = i == f->ctx_hit ? "[" : "";
        const char *post = i == f->ctx_hit + PATTERN_LEN - 1 ? "]" : "";
        k += (size_t)snprintf(buf + k, n - k, "%s%s%02x%s", i ? " " : "", pre, f->ctx[i], post);
    }
}

/* "func+0x1c, foo.c:42" */
static void place(const struct finding *f, char *buf, size_t n)
{
    size_t k = 0;
    buf[0] = 0;
    if (f->symbol)
        k += (size_t)snprintf(buf, n, "%s+0x%llx", f->symbol, (unsigned long long)f->symbol_offset);
    if (f->src_file && k < n)
        snprintf(buf + k, n - k, "%s%s:%d", k ? ", " : "", f->src_file, f->src_line);
}

/* Vetted as a known system gadget: elfscan.c then points vetted_by at the
 * category itself (an allowlist reason may read the same, but is a copy). */
static int by_system(const struct finding *f)
{
    return f->vetted && f->system && f->vetted_by == f->system;
}

/* ---- text ---- */

static void text_finding(const struct finding *f)
{
    char a[320], d[512], p[512], hex[128];
    if (f->vetted && !opts->verbose)
        return;
    addr_str(f, a, sizeof a);
    describe(f, d, sizeof d);
    place(f, p, sizeof p);
    fprintf(out, "%s: %s: %s: %s%s%s%s%s\n", f->file, a, f->vetted ? "note" : "error",
            by_system(f)                ? "vetted system "
            : f->vetted                 ? "vetted "
            : f->kind == PK_FORGED_GATE ? ""
                                        : "unvetted ",
            d, *p ? " (" : "", p, *p ? ")" : "");
    fprintf(out, "    section %s, file offset 0x%llx", f->section ? f->section : "(none)",
            (unsigned long long)f->file_offset);
    if (f->ctx_len) {
        hex_context(f, hex, sizeof hex);
        fprintf(out, ", bytes %s", hex);
    }
    fputc('\n', out);
    if (f->vetted)
        fprintf(out, "    vetted by: %s\n", f->vetted_by);
    if (by_system(f))
        fprintf(out, "    recognised as: %s\n", f->system_why);
    else if (f->system && !f->vetted)
        fprintf(out, "    note: %s, not tolerated with --no-system-gadgets; recognised as: %s\n", f->system,
                f->system_why);
    if (f->cl.note && f->cl.cls != HC_DATA)
        fprintf(out, "    note: %s\n", f->cl.note);
    if (f->dep_of)
        fprintf(out, "    note: loaded by %s\n", f->dep_of);
}

/* ---- JSON helpers ---- */

static void jstr(const char *s)
{
    if (!s) {
        fputs("null", out);
        return;
    }
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(out, "\\%c", *p);
        else if (*p == '\n')
            fputs("\\n", out);
        else if (*p == '\t')
            fputs("\\t", out);
        else if (*p < 0x20 || *p >= 0x7f) /* file names are bytes, not UTF-8 */
            fprintf(out, "\\u%04x", *p);
        else
            fputc(*p, out);
    }
    fputc('"', out);
}

static void json_finding(const struct finding *f)
{
    char a[320], d[512], hex[128];
    addr_str(f, a, sizeof a);
    describe(f, d, sizeof d);
    hex_context(f, hex, sizeof hex);
    fputs(nresults ? ",\n    {" : "\n    {", out);
    fputs("\"file\": ", out), jstr(f->file);
    fputs(", \"kind\": ", out), jstr(f->kind == PK_FORGED_GATE ? "forged-gate" : pkind_name(f->kind));
    fputs(", \"address\": ", out), jstr(a);
    fprintf(out, ", \"relocatable\": %s", f->relocatable ? "true" : "false");
    fprintf(out, ", \"file_offset\": %llu", (unsigned long long)f->file_offset);
    fputs(", \"section\": ", out), jstr(f->section);
    fputs(", \"symbol\": ", out), jstr(f->symbol);
    fprintf(out, ", \"symbol_offset\": %llu", (unsigned long long)f->symbol_offset);
    fputs(", \"source\": ", out);
    if (f->src_file) {
        fputs("{\"file\": ", out), jstr(f->src_file);
        fprintf(out, ", \"line\": %d}", f->src_line);
    } else {
        fputs("null", out);
    }
    fputs(", \"class\": ", out), jstr(f->kind == PK_FORGED_GATE ? "forged" : hclass_name(f->cl.cls));
    if (f->cl.cls == HC_SPAN)
        fputs(", \"starts_in\": ", out), jstr(hclass_name(f->cl.first_part));
    fputs(", \"instructions\": [", out);
    for (int i = 0; i < f->cl.ninsn; i++) {
        fprintf(out, "%s{\"address\": \"0x%llx\", \"length\": %u, \"text\": ", i ? ", " : "",
                (unsigned long long)f->cl.insn[i].addr, f->cl.insn[i].len);
        jstr(f->cl.insn[i].text);
        fputc('}', out);
    }
    fputs("], \"note\": ", out), jstr(f->cl.note);
    fputs(", \"bytes\": ", out), jstr(hex);
    fputs(", \"message\": ", out), jstr(d);
    fprintf(out, ", \"vetted\": %s, \"vetted_by\": ", f->vetted ? "true" : "false");
    jstr(f->vetted_by);
    fputs(", \"system\": ", out), jstr(f->system);
    fputs(", \"system_evidence\": ", out), jstr(f->system_why);
    fputs(", \"dependency_of\": ", out), jstr(f->dep_of);
    fputc('}', out);
}

/* ---- SARIF ---- */

static const struct {
    const char *id, *name, *text;
} rules[] = {
    {"BH1001", "UnvettedWrpkru",
     "WRPKRU bytes (0F 01 EF) in executable memory outside a vetted gate: an attacker who controls the program counter "
     "can use them to rewrite PKRU and disable memory protection keys."},
    {"BH1002", "UnvettedXrstor",
     "XRSTOR bytes (0F AE /5) in executable memory: XRSTOR with the PKRU component in its mask loads PKRU from "
     "memory."},
    {"BH1003", "UnvettedXrstors",
     "XRSTORS bytes (0F C7 /3) in executable memory: supervisor-state restore; a gadget that can load PKRU where the "
     "OS enables it."},
    {"BH1004", "ForgedGate",
     "A .bulkhead.gates manifest entry names an address that does not hold a checked gate (WRPKRU followed by a check "
     "of the value written)."},
};

static int rule_index(enum pkind k)
{
    return k == PK_WRPKRU ? 0 : k == PK_XRSTOR ? 1 : k == PK_XRSTORS ? 2 : 3;
}

/* Artifact URIs: relative paths stay relative (GitHub resolves them against
 * the checkout), absolute ones become file:// URIs; both percent-encoded. */
static void juri(const char *path)
{
    char buf[8192];
    size_t k = 0;
    if (path[0] == '/')
        k += (size_t)snprintf(buf, sizeof buf, "file://");
    for (const unsigned char *p = (const unsigned char *)path; *p && k + 4 < sizeof buf; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || strchr("-._~/", *p))
            buf[k++] = (char)*p;
        else
            k += (size_t)snprintf(buf + k, sizeof buf - k, "%%%02X", *p);
    }
    buf[k] = 0;
    jstr(buf);
}

/* "lib.a(m.o)" lives in the file "lib.a". */
static void artifact_path(const char *name, char *buf, size_t n)
{
    snprintf(buf, n, "%s", name);
    size_t l = strlen(buf);
    char *open = strchr(buf, '(');
    if (l && buf[l - 1] == ')' && open)
        *open = 0;
}

static void sarif_finding(const struct finding *f)
{
    char a[320], d[512], p[512], hex[128], path[4096], msg[2048];
    int ri = rule_index(f->kind);
    addr_str(f, a, sizeof a);
    describe(f, d, sizeof d);
    place(f, p, sizeof p);
    hex_context(f, hex, sizeof hex);
    artifact_path(f->file, path, sizeof path);
    snprintf(msg, sizeof msg, "%s%s at %s in %s%s%s%s. Bytes: %s.%s%s",
             f->kind == PK_FORGED_GATE ? ""
             : f->vetted               ? "Vetted "
                                       : "Unvetted ",
             d, a, f->file, *p ? " (" : "", p, *p ? ")" : "", hex, f->dep_of ? " Loaded by " : "",
             f->dep_of ? f->dep_of : "");
    fputs(nresults ? ",\n        {" : "\n        {", out);
    fprintf(out, "\"ruleId\": \"%s\", \"ruleIndex\": %d, \"level\": \"error\", \"message\": {\"text\": ", rules[ri].id,
            ri);
    jstr(msg);
    fputs("}, \"locations\": [", out);
    if (f->src_file) {
        fputs("{\"physicalLocation\": {\"artifactLocation\": {\"uri\": ", out);
        juri(f->src_file);
        fprintf(out, "}, \"region\": {\"startLine\": %d}}}, ", f->src_line > 0 ? f->src_line : 1);
    }
    fputs("{\"physicalLocation\": {\"artifactLocation\": {\"uri\": ", out);
    juri(path);
    fprintf(out, "}, \"region\": {\"byteOffset\": %llu, \"byteLength\": %d}}", (unsigned long long)f->file_offset,
            PATTERN_LEN);
    if (f->symbol) {
        char fq[600];
        snprintf(fq, sizeof fq, "%s+0x%llx", f->symbol, (unsigned long long)f->symbol_offset);
        fputs(", \"logicalLocations\": [{\"fullyQualifiedName\": ", out);
        jstr(fq);
        fputs(", \"kind\": \"function\"}]", out);
    }
    fputs("}]", out);
    /* Stable across rebuilds that move code: file name, kind, symbol+offset. */
    const char *base = strrchr(f->file, '/');
    char fp[1024];
    snprintf(fp, sizeof fp, "%s:%s:%s", base ? base + 1 : f->file, rules[ri].id, f->symbol ? p : a);
    fputs(", \"partialFingerprints\": {\"bulkheadHit/v1\": ", out);
    jstr(fp);
    fputc('}', out);
    fprintf(out, ", \"properties\": {\"address\": \"%s\", \"class\": \"%s\", \"bytes\": ", a,
            f->kind == PK_FORGED_GATE ? "forged" : hclass_name(f->cl.cls));
    jstr(hex);
    if (f->system) {
        fputs(", \"system\": ", out), jstr(f->system);
        fputs(", \"systemEvidence\": ", out), jstr(f->system_why);
    }
    fputc('}', out);
    if (f->vetted) {
        char just[1024];
        if (by_system(f))
            snprintf(just, sizeof just, "%s: %s", f->system, f->system_why);
        fputs(", \"suppressions\": [{\"kind\": \"external\", \"status\": \"accepted\", \"justification\": ", out);
        jstr(by_system(f) ? just : f->vetted_by);
        fputs("}]", out);
    }
    fputc('}', out);
}

/* ---- document frame ---- */

void out_begin(const struct options *o)
{
    opts = o;
    if (!out)
        out = stdout;
    if (o->format == FMT_JSON) {
        fputs("{\n  \"tool\": \"bulkhead-scan\", \"version\": \"" SCAN_VERSION "\",\n  \"findings\": [", out);
    } else if (o->format == FMT_SARIF) {
        fputs("{\n  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n"
              "  \"version\": \"2.1.0\",\n  \"runs\": [{\n    \"tool\": {\"driver\": {"
              "\"name\": \"bulkhead-scan\", \"version\": \"" SCAN_VERSION "\", "
              "\"semanticVersion\": \"" SCAN_VERSION "\", \"rules\": [",
              out);
        for (size_t i = 0; i < sizeof rules / sizeof *rules; i++) {
            fprintf(out, "%s\n      {\"id\": \"%s\", \"name\": \"%s\", \"shortDescription\": {\"text\": ", i ? "," : "",
                    rules[i].id, rules[i].name);
            jstr(rules[i].name);
            fputs("}, \"fullDescription\": {\"text\": ", out);
            jstr(rules[i].text);
            fputs("}, \"help\": {\"text\": ", out);
            jstr("Remove the bytes (rewrite the code or data), or vet the address: list it in the gate manifest if it "
                 "is a checked gate, or add 'FILE ADDRESS REASON' to the allowlist.");
            fputs("}, \"defaultConfiguration\": {\"level\": \"error\"}, "
                  "\"properties\": {\"tags\": [\"security\"], \"security-severity\": \"8.0\"}}",
                  out);
        }
        fputs("]}},\n    \"results\": [", out);
    }
}

int out_shows_vetted(void)
{
    return opts->format != FMT_TEXT || opts->verbose;
}

void out_finding(const struct finding *f)
{
    if (by_system(f))
        g_system++;
    else if (f->vetted)
        g_vetted++;
    else
        g_unvetted++;
    switch (opts->format) {
    case FMT_TEXT:
        text_finding(f);
        break;
    case FMT_JSON:
        json_finding(f);
        break;
    case FMT_SARIF:
        sarif_finding(f);
        break;
    }
    nresults++;
}

void out_end(void)
{
    if (opts->format == FMT_JSON) {
        fputs("\n  ],\n  \"diagnostics\": [", out);
        for (size_t i = 0; i < ndiags; i++) {
            fputs(i ? ",\n    {\"level\": " : "\n    {\"level\": ", out);
            jstr(diags[i].level);
            fputs(", \"file\": ", out), jstr(diags[i].file);
            fputs(", \"message\": ", out), jstr(diags[i].msg);
            fputc('}', out);
        }
        fprintf(out,
                "\n  ],\n  \"summary\": {\"objects\": %d, \"unvetted\": %d, \"vetted\": %d, \"system\": %d, "
                "\"errors\": %d}\n}\n",
                g_files, g_unvetted, g_vetted, g_system, g_errors);
    } else if (opts->format == FMT_SARIF) {
        fprintf(out,
                "\n    ],\n    \"invocations\": [{\"executionSuccessful\": %s, "
                "\"toolExecutionNotifications\": [",
                g_errors ? "false" : "true");
        for (size_t i = 0; i < ndiags; i++) {
            fputs(i ? ",\n      {\"level\": " : "\n      {\"level\": ", out);
            jstr(diags[i].level);
            fputs(", \"message\": {\"text\": ", out), jstr(diags[i].msg);
            fputs("}, \"locations\": [{\"physicalLocation\": {\"artifactLocation\": {\"uri\": ", out);
            juri(diags[i].file);
            fputs("}}}]}", out);
        }
        fputs("]}]\n  }]\n}\n", out);
    } else if (quiet < 2 && (!quiet || g_unvetted || g_errors)) {
        fflush(out);
        fprintf(stderr, "bulkhead-scan: %d object%s scanned, %d unvetted, %d vetted, %d system, %d error%s\n", g_files,
                g_files == 1 ? "" : "s", g_unvetted, g_vetted, g_system, g_errors, g_errors == 1 ? "" : "s");
    }
    fflush(out);
    for (size_t i = 0; i < ndiags; i++) {
        free(diags[i].file);
        free(diags[i].msg);
    }
    free(diags);
    diags = NULL;
    ndiags = 0;
}
