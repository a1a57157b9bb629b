/* scan.h: types and entry points shared by the parts of bulkhead-scan.
 *
 * One job per file:
 *   main.c      options, walking paths, exit status
 *   input.c     reading a file: ELF, archive members, non-ELF notes
 *   elfscan.c   one ELF object: hits, putting a finding together
 *   loadmap.c   which bytes are executable: memory as ld.so maps it, or sections
 *   search.c    byte-pattern search (the hot loop)
 *   classify.c  what the hit bytes are, by decoding the code around them (LLVM)
 *   llvmdis.c   LLVM's disassembler, loaded the first time a hit needs it
 *   where.c     sections, symbols and DWARF source lines for an address
 *   gates.c     the gate manifest and the check that each entry is a real gate
 *   allow.c     the user allowlist
 *   system.c    known system gadgets (glibc pkey_set, ld.so XRSTOR), by what they are
 *   fde.c       function bounds from .eh_frame, for code without symbols
 *   output.c    text, JSON and SARIF
 *   deps.c      --deps: the shared libraries ld.so would load
 */
#ifndef BULKHEAD_SCAN_H
#define BULKHEAD_SCAN_H

#include <stddef.h>
#include <stdint.h>

#define SCAN_VERSION "0.1.0"

/* ---- patterns (search.c) ---- */
enum pkind { PK_WRPKRU, PK_XRSTOR, PK_XRSTORS, PK_FORGED_GATE };
#define PATTERN_LEN 3 /* bytes of every pattern: 0F 01 EF, 0F AE m, 0F C7 m */
const char *pkind_name(enum pkind k);

/* Called for each match at offset OFF of the buffer; returns nonzero to stop. */
typedef int (*match_fn)(void *ctx, size_t off, enum pkind kind);
/* Finds every WRPKRU/XRSTOR/XRSTORS pattern starting in P[0..LEN), in order. */
int search_patterns(const uint8_t *p, size_t len, match_fn fn, void *ctx);

/* ---- classification (classify.c) ---- */
enum hclass { HC_INSN, HC_IMM, HC_DISP, HC_REL, HC_SPAN, HC_ENC, HC_DATA };
const char *hclass_name(enum hclass c);

struct insn {
    uint64_t addr;
    unsigned len;
    char text[96];
};

struct classification {
    enum hclass cls;
    enum hclass first_part; /* for HC_SPAN: where the hit starts */
    struct insn insn[2];    /* covering instruction(s) */
    int ninsn;
    const char *note; /* why HC_DATA, or "decoded from a guessed start" */
};

struct classifier;
/* NULL, with *WHY saying why, when LLVM's disassembler cannot be loaded. */
struct classifier *classifier_new(int is64, const char **why);
void classifier_free(struct classifier *c);
/* CODE holds LEN bytes mapped at BASE. Decodes linearly from SYNC (a known or
 * guessed instruction boundary, BASE <= SYNC <= HIT) and classifies the
 * pattern at HIT. Successive calls with the same CODE/SYNC and increasing HIT
 * reuse the previous sweep, so a function is decoded once. */
void classify_hit(struct classifier *c, const uint8_t *code, size_t len, uint64_t base, uint64_t sync, uint64_t hit,
                  struct classification *out);
/* Decodes the one instruction at ADDR (BASE <= ADDR < BASE + LEN) into OUT
 * (may be NULL); returns its length, 0 if the bytes are not an instruction. */
unsigned classifier_decode(struct classifier *c, const uint8_t *code, size_t len, uint64_t base, uint64_t addr,
                           struct insn *out);

/* ---- a finding, as handed to the output ---- */
struct finding {
    const char *file;   /* display name: path, or "lib.a(member.o)" */
    const char *dep_of; /* --deps: the program that loads this file */
    enum pkind kind;
    int relocatable; /* addr is an offset in SECTION, not a vaddr */
    uint64_t addr;
    uint64_t file_offset; /* in the file on disk (archives included) */
    const char *section;  /* NULL if unknown */
    const char *symbol;   /* NULL if unknown */
    uint64_t symbol_offset;
    const char *src_file; /* NULL if no DWARF line */
    int src_line;
    struct classification cl;
    uint8_t ctx[16]; /* bytes around the hit, hit at ctx[ctx_hit] */
    int ctx_len, ctx_hit;
    int vetted;
    const char *vetted_by;  /* "gate manifest", the allowlist reason, or f->system */
    const char *system;     /* a known system gadget: its category, else NULL */
    const char *system_why; /* what it was recognised by (system.c) */
    const char *detail;     /* PK_FORGED_GATE: what is wrong */
};

/* ---- options and run-wide state (main.c) ---- */
enum format { FMT_TEXT, FMT_JSON, FMT_SARIF };
struct allowlist;

struct options {
    enum format format;
    int recursive;
    int deps;
    int verbose;           /* text: also list vetted hits */
    int quiet;             /* no notes on stderr */
    int no_system_gadgets; /* known system gadgets (system.c) stay unvetted */
    struct allowlist *allow;
};

/* ---- input (input.c, elfscan.c) ---- */
/* Scans the file at PATH (ELF, archive or anything else). */
void scan_path(const char *path, const struct options *o, const char *dep_of);
/* Scans an in-memory image (used by the fuzzer and by scan_path). */
void scan_image(const char *name, void *image, size_t size, const struct options *o, const char *dep_of);
struct Elf;
void scan_elf(const char *name, struct Elf *elf, const uint8_t *image, size_t size, uint64_t base_off,
              const struct options *o, const char *dep_of);

/* ---- allowlist (allow.c) ---- */
/* Returns NULL and reports on a bad file (each entry needs a reason). */
struct allowlist *allow_load(const char *path);
/* The reason for FILE at KEY ("0x401136" or ".text+0x1c"), or NULL. */
const char *allow_lookup(struct allowlist *a, const char *file, const char *key);
/* Warns about entries that vetted nothing (stale allowlists hide regressions). */
void allow_report_unused(struct allowlist *a);
void allow_free(struct allowlist *a);

/* ---- output (output.c) ---- */
void out_begin(const struct options *o);
void out_finding(const struct finding *f);
int out_shows_vetted(void); /* else vetted findings are only counted */
void out_end(void);
void out_set_stream(void *fp); /* FILE *: where the report goes */

/* ---- diagnostics and status (output.c) ---- */
void diag_error(const char *file, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void diag_warning(const char *file, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void diag_note(const char *file, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void diag_set_quiet(int quiet); /* 1: no notes, 2: nothing on stderr */
extern int g_errors;            /* files that could not be scanned */
extern int g_unvetted;          /* unvetted hits and forged gates */
extern int g_vetted;            /* by the gate manifest or the allowlist */
extern int g_system;            /* known system gadgets, vetted by default */
extern int g_files;             /* ELF objects scanned */

/* ---- deps (deps.c) ---- */
/* Scans what ld.so would load for the program or library at PATH. */
void scan_deps(const char *path, const struct options *o);

#endif
