/*
 * bulkhead-clang / bulkhead-clang++: compiler driver wrapper for Bulkhead.
 *
 * Without -fpkey-compartments it runs the pinned clang with the same
 * arguments. With it, it adds the pass plugin, the header directory, the
 * __BULKHEAD__ define and, when the command links an executable, the
 * runtime archive; a link is then scanned for stray WRPKRU/XRSTOR bytes
 * (link-scan.c). See docs/driver.md.
 *
 * Structure (after AFL++'s afl-cc): one scan pass over the arguments
 * (with @response files expanded) decides what the command does, then a
 * keep pass copies the original arguments minus the wrapper's own flags,
 * and the additions are placed around them.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../include/bulkhead/abi.h"
#include "link-scan.h"

#ifndef BULKHEAD_CLANG_PATH
#error                                                                         \
    "BULKHEAD_CLANG_PATH must be defined by the build (path of the real clang)"
#endif
#ifndef BULKHEAD_CLANGXX_PATH
#error                                                                         \
    "BULKHEAD_CLANGXX_PATH must be defined by the build (path of the real clang++)"
#endif

/* Response files may include others; clang rejects cycles, we cap depth. */
#define MAX_RSP_DEPTH 32

/* ---------------------------------------------------------------- utils */

static void die(const char *fmt, ...)
    __attribute__((noreturn, format(printf, 1, 2)));
static void die(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("bulkhead-clang: error: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  exit(1);
}

static void *xrealloc(void *p, size_t n) {
  p = realloc(p, n);
  if (!p)
    die("out of memory");
  return p;
}

static char *xstrdup(const char *s) {
  char *d = strdup(s);
  if (!d)
    die("out of memory");
  return d;
}

static char *concat(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  char *r = xrealloc(NULL, la + lb + 1);
  memcpy(r, a, la);
  memcpy(r + la, b, lb + 1);
  return r;
}

static bool starts_with(const char *s, const char *prefix) {
  return strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool ends_with(const char *s, const char *suffix) {
  size_t ls = strlen(s), lx = strlen(suffix);
  return ls >= lx && strcmp(s + ls - lx, suffix) == 0;
}

static const char *base_name(const char *path) {
  const char *slash = strrchr(path, '/');
  return slash ? slash + 1 : path;
}

static bool is_file(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* A growable, NULL-terminated argument vector (ready for execv). */
struct argv_t {
  char **v;
  size_t n, cap;
};

static void push(struct argv_t *a, const char *s) {
  if (a->n + 2 > a->cap) {
    a->cap = a->cap ? a->cap * 2 : 64;
    a->v = xrealloc(a->v, a->cap * sizeof *a->v);
  }
  a->v[a->n++] = (char *)s;
  a->v[a->n] = NULL;
}

/* ------------------------------------------------------ response files */

/*
 * Split a response file the way clang's GNU tokenizer does: whitespace
 * separates arguments, '...' and "..." group, and a backslash escapes the
 * next character both outside and inside quotes. Empty tokens are dropped.
 */
static void tokenize_rsp(const char *text, struct argv_t *out) {
  const char *p = text;
  size_t cap = strlen(text) + 1;
  while (*p) {
    while (*p && isspace((unsigned char)*p))
      p++;
    if (!*p)
      break;
    char *tok = xrealloc(NULL, cap), *t = tok;
    while (*p && !isspace((unsigned char)*p)) {
      if (*p == '\\' && p[1]) {
        *t++ = p[1];
        p += 2;
      } else if (*p == '\'' || *p == '"') {
        char quote = *p++;
        while (*p && *p != quote) {
          if (*p == '\\' && p[1])
            p++;
          *t++ = *p++;
        }
        if (*p)
          p++; /* closing quote */
      } else {
        *t++ = *p++;
      }
    }
    *t = '\0';
    if (t != tok)
      push(out, tok);
    else
      free(tok);
  }
}

/* Whole file as a string, or NULL when it cannot be read. */
static char *read_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  char *buf = NULL;
  size_t len = 0, cap = 0, got;
  do {
    if (len + 4096 + 1 > cap) {
      cap = cap ? cap * 2 : 8192;
      buf = xrealloc(buf, cap);
    }
    got = fread(buf + len, 1, cap - len - 1, f);
    len += got;
  } while (got > 0);
  bool bad = ferror(f);
  fclose(f);
  if (bad) {
    free(buf);
    return NULL;
  }
  buf[len] = '\0';
  return buf;
}

/*
 * Append arg to out, replacing a readable @file by its contents
 * (recursively; nested names are relative to the working directory, as
 * in clang and GCC). An unreadable @file stays a literal argument, which
 * is what clang does too. from_rsp marks arguments that came from a file.
 */
static void expand_arg(const char *arg, int depth, struct argv_t *out,
                       struct argv_t *from_rsp) {
  char *text = arg[0] == '@' ? read_file(arg + 1) : NULL;
  if (!text) {
    push(out, arg);
    push(from_rsp, depth > 0 ? arg : NULL);
    return;
  }
  if (depth >= MAX_RSP_DEPTH)
    die("response files nested too deeply at '%s'", arg);
  struct argv_t toks = {0};
  tokenize_rsp(text, &toks);
  free(text);
  for (size_t i = 0; i < toks.n; i++)
    expand_arg(toks.v[i], depth + 1, out, from_rsp);
  free(toks.v);
}

/* ------------------------------------------------------------ the scan */

/* What the scan pass learned about the command. */
struct scan {
  bool enabled;            /* -fpkey-compartments (last of it / -fno- wins) */
  bool turned_off;         /* -fno-pkey-compartments came last */
  const char *compartment; /* -fpkey-compartment=NAME, last wins */
  const char *share;       /* -fpkey-share=FILE, last wins */
  bool stacks;             /* -fpkey-compartment-stacks */
  bool syscall_filter;     /* -fpkey-syscall-filter (the default) */
  bool dry_run;            /* --bulkhead-dry-run */
  bool help;               /* --bulkhead-help */
  bool stops_before_link;  /* -c, -S, -E, -M, -shared, queries, ... */
  bool shared;             /* -shared: links a shared object */
  bool has_input;          /* any positional input at all */
  bool has_cc1_input;      /* C-family source or header: runs clang -cc1 */
  bool has_asm_input;      /* assembly: runs clang -cc1as */
  bool has_link_input;     /* anything but a header reaches the linker */
  bool lto;                /* -flto[=...] not undone by -fno-lto */
  const char *fuse_ld;     /* last -fuse-ld=VALUE or --ld-path=VALUE */
  const char *lang;        /* -x LANG in effect at this point (NULL: none) */
  bool link_scan;          /* -fpkey-link-scan (the default; link-scan.h) */
  const char *scan_allow;  /* -fpkey-scan-allow=FILE */
  const char *asm_allow;   /* -fpkey-asm-allow=FILE */
  const char *output;      /* -o FILE, last wins */
  bool no_run;             /* -###: clang only prints its commands */
  bool strip_all;          /* -s: a checked link is stripped afterwards */
  const char *unchecked_link; /* a linker option the link check cannot
                                 follow (scan_linker_arg), or NULL */
  const char *icf;         /* a linker --icf other than none, or NULL */
  const char *static_unwinder; /* -static-libgcc or -static-libstdc++ */
  bool trace;              /* the linker's -t / --trace */
  bool user_script;        /* a linker script of the user's: -T, --script */
  bool bench_nop_wrpkru;   /* --bulkhead-bench-nop-wrpkru (bench only) */
  enum { DEBUG_NONE, DEBUG_LINES, DEBUG_TYPES }
      debug_info;          /* the level the last -g option that sets one
                              asks for (debug_level) */
};

/* Driver options that take their value as the next argument. */
static const char *const separate_value_opts[] = {"-o",
                                                  "-x",
                                                  "-I",
                                                  "-L",
                                                  "-l",
                                                  "-D",
                                                  "-U",
                                                  "-F",
                                                  "-B",
                                                  "-T",
                                                  "-u",
                                                  "-e",
                                                  "-z",
                                                  "-A",
                                                  "-G",
                                                  "-include",
                                                  "-imacros",
                                                  "-isystem",
                                                  "-idirafter",
                                                  "-iquote",
                                                  "-isysroot",
                                                  "-iprefix",
                                                  "-iwithprefix",
                                                  "-iwithprefixbefore",
                                                  "-isystem-after",
                                                  "-ivfsoverlay",
                                                  "-include-pch",
                                                  "-MF",
                                                  "-MT",
                                                  "-MQ",
                                                  "-MJ",
                                                  "-Xlinker",
                                                  "-Xclang",
                                                  "-Xassembler",
                                                  "-Xpreprocessor",
                                                  "-Xanalyzer",
                                                  "-Xopenmp-target",
                                                  "-Xarch_host",
                                                  "-Xarch_device",
                                                  "-mllvm",
                                                  "-target",
                                                  "-arch",
                                                  "--sysroot",
                                                  "-serialize-diagnostics",
                                                  "-dependency-file",
                                                  "-dependency-dot",
                                                  "-working-directory",
                                                  "--param",
                                                  "-resource-dir",
                                                  "-framework",
                                                  "--config",
                                                  "--output",
                                                  "-aux-info",
                                                  NULL};

/* Options after which clang stops before linking (or links nothing). */
static const char *const no_link_opts[] = {
    "-c",        "-S",           "-E",
    "-M",        "-MM",          "-shared",
    "--shared",  "-r",           "-fsyntax-only",
    "--compile", "--assemble",   "--preprocess",
    "--analyze", "-emit-ast",    "--precompile",
    "--version", "-dumpversion", "-dumpmachine",
    "--help",    "-help",        "--help-hidden",
    NULL};

static bool in_list(const char *s, const char *const *list) {
  for (; *list; list++)
    if (strcmp(s, *list) == 0)
      return true;
  return false;
}

enum input_kind { IN_CC1, IN_HEADER, IN_ASM, IN_LINK };

/* How clang will treat an input, from -x if given, else its extension. */
static enum input_kind classify_input(const char *path, const char *lang) {
  if (lang) {
    if (ends_with(lang, "-header"))
      return IN_HEADER;
    if (starts_with(lang, "assembler"))
      return IN_ASM;
    return IN_CC1;
  }
  const char *dot = strrchr(base_name(path), '.');
  if (!dot)
    return IN_LINK;
  static const char *const cc1_ext[] = {
      ".c",   ".i", ".cc",  ".cp", ".cpp", ".cxx", ".c++",
      ".CC",  ".C", ".CPP", ".ii", ".m",   ".mi",  ".mm",
      ".mii", ".M", ".ll",  ".bc", ".cu",  ".cl",  NULL};
  static const char *const hdr_ext[] = {".h",   ".hh",  ".hpp",
                                        ".hxx", ".h++", NULL};
  static const char *const asm_ext[] = {".s", ".S", ".sx", NULL};
  if (in_list(dot, cc1_ext))
    return IN_CC1;
  if (in_list(dot, hdr_ext))
    return IN_HEADER;
  if (in_list(dot, asm_ext))
    return IN_ASM;
  return IN_LINK; /* objects, archives, shared libraries, anything else */
}

static void note_input(struct scan *s, const char *path) {
  s->has_input = true;
  switch (classify_input(path, s->lang)) {
  case IN_CC1:
    s->has_cc1_input = s->has_link_input = true;
    break;
  case IN_HEADER:
    s->has_cc1_input = true; /* a precompiled header, nothing to link */
    break;
  case IN_ASM:
    s->has_asm_input = s->has_link_input = true;
    break;
  case IN_LINK:
    s->has_link_input = true;
    break;
  }
}

static void set_lang(struct scan *s, const char *lang) {
  s->lang = strcmp(lang, "none") == 0 ? NULL : lang;
}

static bool is_c_identifier(const char *s) {
  if (!(isalpha((unsigned char)*s) || *s == '_'))
    return false;
  for (s++; *s; s++)
    if (!(isalnum((unsigned char)*s) || *s == '_'))
      return false;
  return true;
}

/* The wrapper's own flags, which never reach clang. */
static bool is_private_flag(const char *a) {
  return starts_with(a, "-fpkey-") || starts_with(a, "-fno-pkey-") ||
         starts_with(a, "--bulkhead-");
}

/* Record one of the wrapper's own flags; reject unknown ones. */
static void scan_private_flag(struct scan *s, const char *a) {
  if (strcmp(a, "-fpkey-compartments") == 0) {
    s->enabled = true;
    s->turned_off = false;
  } else if (strcmp(a, "-fno-pkey-compartments") == 0) {
    s->enabled = false;
    s->turned_off = true;
  } else if (strcmp(a, "-fpkey-compartment-stacks") == 0) {
    s->stacks = true;
  } else if (strcmp(a, "-fno-pkey-compartment-stacks") == 0) {
    s->stacks = false;
  } else if (strcmp(a, "-fpkey-syscall-filter") == 0) {
    s->syscall_filter = true;
  } else if (strcmp(a, "-fno-pkey-syscall-filter") == 0) {
    s->syscall_filter = false;
  } else if (starts_with(a, "-fpkey-compartment=")) {
    const char *name = a + strlen("-fpkey-compartment=");
    if (!is_c_identifier(name))
      die("invalid compartment name '%s' in '%s': must be a C identifier", name,
          a);
    s->compartment = name;
  } else if (starts_with(a, "-fpkey-share=")) {
    s->share = a + strlen("-fpkey-share=");
    if (!*s->share)
      die("'%s' needs a file: -fpkey-share=FILE", a);
  } else if (strcmp(a, "-fpkey-link-scan") == 0) {
    s->link_scan = true;
  } else if (strcmp(a, "-fno-pkey-link-scan") == 0) {
    s->link_scan = false;
  } else if (starts_with(a, "-fpkey-scan-allow=") &&
             a[strlen("-fpkey-scan-allow=")]) {
    s->scan_allow = a + strlen("-fpkey-scan-allow=");
  } else if (starts_with(a, "-fpkey-asm-allow=") &&
             a[strlen("-fpkey-asm-allow=")]) {
    s->asm_allow = a + strlen("-fpkey-asm-allow=");
  } else if (strcmp(a, "--bulkhead-dry-run") == 0) {
    s->dry_run = true;
  } else if (strcmp(a, "--bulkhead-help") == 0) {
    s->help = true;
  } else if (strcmp(a, "--bulkhead-bench-nop-wrpkru") == 0) {
    /* Not in the help: benchmarks only (bench/README.md). */
    s->bench_nop_wrpkru = true;
  } else {
    die("unknown option '%s' (see --bulkhead-help)", a);
  }
}

/* A linker option naming a linker script of the user's (-T FILE, -TFILE,
 * --script, -dT); -Tbss=ADDR and kin set section addresses. */
static bool is_script_option(const char *a) {
  static const char *const addresses[] = {"-Tbss",  "-Tdata", "-Ttext",
                                          "-Trodata", "-Tldata", NULL};
  for (const char *const *p = addresses; *p; p++)
    if (starts_with(a, *p))
      return false;
  return starts_with(a, "-T") || starts_with(a, "--script") ||
         starts_with(a, "-dT") || starts_with(a, "--default-script");
}

/* Linker options under which the link check (alias-check.h) would pass a
 * program it does not see whole (review 13a): --wrap sends a call to
 * __wrap_F that the caller's test of F's marker never saw; multiple
 * definitions let the program's F replace a compartment's own; an output
 * named to the linker is not the file the driver checks. */
static void scan_linker_arg(struct scan *s, const char *a, const char *prev) {
  static const char *const refused[] = {"--wrap",
                                        "-wrap",
                                        "--allow-multiple-definition",
                                        "-allow-multiple-definition",
                                        "-zmuldefs",
                                        "-o",
                                        "--output",
                                        NULL};
  const char *eq = strchr(a, '=');
  size_t len = eq ? (size_t)(eq - a) : strlen(a);
  s->user_script |= is_script_option(a);
  s->trace |= !strcmp(a, "-t") || !strcmp(a, "--trace") ||
              !strcmp(a, "-trace");
  for (const char *const *r = refused; *r; r++)
    if (strlen(*r) == len && strncmp(a, *r, len) == 0)
      s->unchecked_link = a;
  if (prev && strcmp(prev, "-z") == 0 && strcmp(a, "muldefs") == 0)
    s->unchecked_link = "-z muldefs";
  /* Identical code folding (lld, gold) gives a folded function's names one
   * address: an unmarked name at a marked function's address, which the
   * check refuses (review 13a: attacks-review13a-icf-refused.c). The last
   * one wins, as in the linker. */
  const char *icf = starts_with(a, "--icf=") || starts_with(a, "-icf=")
                        ? eq + 1
                    : prev && (!strcmp(prev, "--icf") || !strcmp(prev, "-icf"))
                        ? a
                        : NULL;
  if (icf)
    s->icf = strcmp(icf, "none") == 0 ? NULL : icf == a ? "--icf" : a;
}

/* Each comma-separated piece of -Wl,A,B,C. */
static void scan_wl(struct scan *s, const char *list) {
  char *copy = xstrdup(list), *prev = NULL;
  for (char *save, *a = strtok_r(copy, ",", &save); a;
       prev = a, a = strtok_r(NULL, ",", &save))
    scan_linker_arg(s, a, prev);
  if (s->unchecked_link)
    s->unchecked_link = xstrdup(s->unchecked_link);
  if (s->icf)
    s->icf = xstrdup(s->icf);
  free(copy);
}

/* The debug info level a -g option sets, as clang's driver reads it: the
 * last of those options decides. -1 for the -g options that set none
 * (-gcolumn-info, -gsplit-dwarf, -grecord-command-line, -gpubnames,
 * -gstrict-dwarf, -gcodeview, -gz, -gno-...): alone they ask for no debug
 * info, and taking them for -g left the pass without record layouts
 * (review 85b, attacks-rev84b-bitfield-bits.c). */
static int debug_level(const char *a) {
  static const char *const none[] = {"-g0", "-ggdb0"};
  static const char *const lines[] = {"-g1", "-ggdb1", "-gmlt",
                                      "-gline-tables-only",
                                      "-gline-directives-only"};
  static const char *const types[] = {"-g",     "-g2",    "-g3",    "-ggdb",
                                      "-ggdb2", "-ggdb3", "-gdwarf", "-glldb",
                                      "-gsce",  "-gdbx",  "-gmodules",
                                      "-gfull", "-gused", "--debug"};
  for (size_t i = 0; i < sizeof none / sizeof *none; ++i)
    if (strcmp(a, none[i]) == 0)
      return DEBUG_NONE;
  for (size_t i = 0; i < sizeof lines / sizeof *lines; ++i)
    if (strcmp(a, lines[i]) == 0)
      return DEBUG_LINES;
  for (size_t i = 0; i < sizeof types / sizeof *types; ++i)
    if (strcmp(a, types[i]) == 0)
      return DEBUG_TYPES;
  /* -gdwarf-N, -gdwarf32, -gdwarf64 */
  if (starts_with(a, "-gdwarf-") || strcmp(a, "-gdwarf32") == 0 ||
      strcmp(a, "-gdwarf64") == 0)
    return DEBUG_TYPES;
  return -1;
}

/* Record what one clang argument means for linking and for our flags. */
static void scan_clang_arg(struct scan *s, const char *a) {
  if (strcmp(a, "-shared") == 0 || strcmp(a, "--shared") == 0)
    s->shared = true;
  if (strcmp(a, "-s") == 0)
    s->strip_all = true;
  if (strcmp(a, "-static-libgcc") == 0 || strcmp(a, "-static-libstdc++") == 0)
    s->static_unwinder = a;
  s->user_script |= is_script_option(a);
  if (starts_with(a, "-Wl,"))
    scan_wl(s, a + strlen("-Wl,"));
  if (in_list(a, no_link_opts) || starts_with(a, "-print-") ||
      starts_with(a, "--print-"))
    s->stops_before_link = true;
  else if (strcmp(a, "-flto") == 0 || starts_with(a, "-flto="))
    s->lto = true;
  else if (strcmp(a, "-fno-lto") == 0)
    s->lto = false;
  else if (starts_with(a, "-fuse-ld="))
    s->fuse_ld = a + strlen("-fuse-ld=");
  else if (starts_with(a, "--ld-path="))
    s->fuse_ld = a + strlen("--ld-path=");
  else if (starts_with(a, "-x") && a[2] != '\0')
    set_lang(s, a + 2); /* joined form: -xc */
  else if (starts_with(a, "--output="))
    s->output = a + strlen("--output=");
  else if (starts_with(a, "-o") && a[2] != '\0' && !starts_with(a, "-obj"))
    s->output = a + 2; /* joined form: -oprog */
  else if (strcmp(a, "-###") == 0)
    s->no_run = true;
  else if (debug_level(a) >= 0)
    /* The pass keeps debug info with types the user asked for, and
     * adds them to line tables (add_compile_flags). */
    s->debug_info = debug_level(a);
  else if (a[0] != '-' || a[1] == '\0')
    note_input(s, a); /* positional argument, or "-" for stdin */
}

/* The scan pass over the expanded arguments (argv[0] excluded). */
static void scan_args(struct scan *s, struct argv_t *args,
                      struct argv_t *from_rsp) {
  for (size_t i = 0; i < args->n; i++) {
    const char *a = args->v[i];
    if (is_private_flag(a)) {
      if (from_rsp->v[i])
        die("'%s' must be given on the command line, not in a response file",
            a);
      scan_private_flag(s, a);
    } else if (in_list(a, separate_value_opts)) {
      if (i + 1 >= args->n)
        continue; /* clang reports the missing value */
      if (strcmp(a, "-x") == 0)
        set_lang(s, args->v[i + 1]);
      if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0)
        s->output = args->v[i + 1];
      if (strcmp(a, "-T") == 0)
        s->user_script = true;
      if (strcmp(a, "-Xlinker") == 0) {
        /* -Xlinker -z -Xlinker muldefs */
        const char *prev = i >= 2 && !strcmp(args->v[i - 2], "-Xlinker")
                               ? args->v[i - 1]
                               : NULL;
        scan_linker_arg(s, args->v[i + 1], prev);
      }
      if (strcmp(a, "-z") == 0 && strcmp(args->v[i + 1], "muldefs") == 0)
        s->unchecked_link = "-z muldefs";
      i++; /* the value is not an input or an option */
    } else {
      scan_clang_arg(s, a);
    }
  }
}

/* ------------------------------------------------------ the locations */

/* Where this binary is installed: realpath(/proc/self/exe)/../.. */
static char *find_prefix(void) {
  char exe[PATH_MAX];
  if (!realpath("/proc/self/exe", exe))
    die("cannot resolve /proc/self/exe: %s", strerror(errno));
  char *bin = dirname(exe);     /* <prefix>/bin */
  return xstrdup(dirname(bin)); /* <prefix> */
}

/*
 * clang's LTO with GNU ld needs LLVMgold.so next to clang's lib dir. clang
 * looks for it at <dir of its real binary>/../lib/LLVMgold.so.
 */
static bool has_gold_plugin(const char *clang) {
  char real[PATH_MAX];
  if (!realpath(clang, real))
    return false;
  char *gold = concat(dirname(real), "/../lib/LLVMgold.so");
  bool ok = is_file(gold);
  free(gold);
  return ok;
}

static bool is_lld(const char *fuse_ld) {
  if (!fuse_ld)
    return false;
  const char *b = base_name(fuse_ld);
  return strcmp(fuse_ld, "lld") == 0 || strcmp(b, "ld.lld") == 0 ||
         strcmp(b, "lld") == 0;
}

static bool is_gold(const char *fuse_ld) {
  if (!fuse_ld)
    return false;
  const char *b = base_name(fuse_ld);
  return strcmp(fuse_ld, "gold") == 0 || strcmp(b, "ld.gold") == 0;
}

static const char *pick_clang(bool cxx) {
  const char *env = getenv(cxx ? "BULKHEAD_CLANGXX" : "BULKHEAD_CLANG");
  if (env && *env)
    return env;
  return cxx ? BULKHEAD_CLANGXX_PATH : BULKHEAD_CLANG_PATH;
}

static void require(const char *path, const char *what) {
  if (!is_file(path))
    die("%s not found: %s", what, path);
}

/* The llvm-objcopy of the LLVM that CLANG belongs to. */
static const char *objcopy_next_to(const char *clang) {
  char *dir = xstrdup(clang);
  char *objcopy = concat(dirname(dir), "/llvm-objcopy");
  free(dir);
  if (access(objcopy, X_OK) != 0)
    die("-s: %s not found to strip the output after its checks (link "
        "without -s and strip the file afterwards)",
        objcopy);
  return objcopy;
}

/* --------------------------------------------------- the final command */

/* Paths of the installed pieces, derived from the prefix. */
struct install {
  char *plugin, *runtime, *dso_runtime, *include_dir, *header;
  char *relro_script; /* relro-personality.ld */
  char *scanner;
  char *runtime_nopkru; /* bench only, in a build tree; never installed */
};

static struct install locate(const char *prefix) {
  struct install in;
  in.plugin = concat(prefix, "/lib/bulkhead/BulkheadPass.so");
  in.runtime = concat(prefix, "/lib/bulkhead/libbulkhead_rt.a");
  in.runtime_nopkru = concat(prefix, "/lib/bulkhead/libbulkhead_rt_nopkru.a");
  in.dso_runtime = concat(prefix, "/lib/bulkhead/libbulkhead_dso.a");
  in.relro_script = concat(prefix, "/lib/bulkhead/relro-personality.ld");
  in.include_dir = concat(prefix, "/include");
  in.header = concat(prefix, "/include/bulkhead.h");
  in.scanner = concat(prefix, "/bin/bulkhead-scan");
  return in;
}

/* One of the plugin's options, for the compiler (-cc1) jobs only. */
static void push_pass_option(struct argv_t *cmd, const char *option) {
  push(cmd, "-Xclang");
  push(cmd, "-mllvm");
  push(cmd, "-Xclang");
  push(cmd, option);
}

/* Flags for the compile steps: plugin, header dir, define, compartment. */
static void add_compile_flags(struct argv_t *cmd, const struct scan *s,
                              const struct install *in) {
  /* -fpass-plugin alone registers the plugin's cl::opts too late for
     -mllvm to see them; -Xclang -load loads it before option parsing. */
  if (s->has_cc1_input) {
    push(cmd, "-Xclang");
    push(cmd, "-load");
    push(cmd, "-Xclang");
    push(cmd, in->plugin);
  }
  push(cmd, concat("-fpass-plugin=", in->plugin));
  push(cmd, concat("-I", in->include_dir));
  push(cmd, "-D__BULKHEAD__=1");
  /* Through -Xclang: a bare -mllvm reaches every clang job, and the
   * assembler's (-cc1as) rejects the plugin's options. */
  if (s->compartment && s->has_cc1_input)
    push_pass_option(cmd, concat("-bulkhead-compartment=", s->compartment));
  if (s->share && s->has_cc1_input) {
    if (access(s->share, R_OK) != 0)
      die("cannot read share policy '%s': %s", s->share, strerror(errno));
    push_pass_option(cmd, concat("-bulkhead-share=", s->share));
  }
  if (s->has_cc1_input) /* explicit either way, whatever the default */
    push_pass_option(cmd,
                     s->stacks ? "-bulkhead-stacks" : "-bulkhead-stacks=false");
  if (s->asm_allow && s->has_cc1_input)
    push_pass_option(cmd, concat("-bulkhead-asm-allow=", s->asm_allow));
  if (s->bench_nop_wrpkru && s->has_cc1_input)
    push_pass_option(cmd, "-bulkhead-bench-nop-wrpkru");
  /* The pass reads structs' padding from the front end's debug info
   * (pass/RecordLayouts.h) and drops it again if the user asked for none,
   * or all but its line tables if he asked for those only. Standalone
   * (which unused-types implies): limited debug info, and -g's constructor homing, give only a
   * declaration of a class whose key function or constructor another
   * file defines, and its bit-fields' unused bits were returned (review
   * 87b, attacks-rev87b-declared-record.cpp); and every type the file
   * declares, used or not, so that a struct known by name only finds its
   * own record among those of its name (RecordLayouts.cpp relateByName);
   * the last -debug-info-kind decides. Without -g the front end is given
   * no DWARF version, and then describes no function a call reaches (it
   * does from -O1 on for call-site information, DWARF 4 or 5), whose
   * parameters' records tell which bytes of an argument are padding
   * (RecordLayouts.cpp argumentPieces). */
  if (s->has_cc1_input) {
    push(cmd, "-Xclang");
    push(cmd, "-debug-info-kind=unused-types");
    if (s->debug_info == DEBUG_NONE) {
      push(cmd, "-Xclang");
      push(cmd, "-dwarf-version=5");
    }
  }
  if (s->has_cc1_input && s->debug_info != DEBUG_TYPES)
    push_pass_option(cmd, s->debug_info == DEBUG_LINES
                              ? "-bulkhead-layout-debug-info=lines"
                              : "-bulkhead-layout-debug-info");
}

/* LTO runs the optimizer in the linker, so the plugin must be loaded there. */
static void add_lto_link_flags(struct argv_t *cmd, const struct scan *s,
                               const struct install *in, const char *clang) {
  bool lld = is_lld(s->fuse_ld);
  if (!s->fuse_ld && !has_gold_plugin(clang)) {
    push(cmd, "-fuse-ld=lld"); /* GNU ld cannot do LTO without LLVMgold.so */
    lld = true;
  }
  if (lld)
    push(cmd, concat("-Wl,--load-pass-plugin=", in->plugin));
}

/* Relocations resolved at start-up, then read-only (the GOT included): a
 * writable GOT lets one key-0 write redirect a compartment's library call,
 * and lazy binding runs ld.so's XRSTOR (docs/threat-model.md). The C++
 * personality words join them (relro-personality.ld), except where the
 * script cannot be added (gold has no INSERT; a script of the user's
 * replaces the layout it adds to): the check after the link then refuses
 * an output with compartments whose words stayed writable
 * (unwinder-check.h). */
static void add_bind_now(struct argv_t *cmd, const struct scan *s,
                         const struct install *in) {
  push(cmd, "-Wl,-z,relro,-z,now,-z,text");
  if (!is_gold(s->fuse_ld) && !s->user_script)
    push(cmd, concat("-Wl,-T,", in->relro_script));
}

/* The runtime goes after the inputs; whole-archive keeps its constructors. */
static void add_runtime(struct argv_t *cmd, const struct scan *s,
                        const struct install *in) {
  if (s->lang) {
    push(cmd, "-x"); /* a trailing -x LANG would apply to the archive too */
    push(cmd, "none");
  }
  push(cmd, "-Wl,--whole-archive");
  push(cmd, in->runtime);
  push(cmd, "-Wl,--no-whole-archive");
  push(cmd, "-lmimalloc"); /* the runtime's allocator (docs/heaps.md) */
  /* The opt-out is recorded in the binary, where the runtime reads it
   * before main (runtime/syscalls.c). */
  if (!s->syscall_filter)
    push(cmd, "-Wl,--defsym=__bulkhead_syscall_filter_off=1");
  /* What a shared object with compartments refers to, exported also when
   * no object linked here names it: for one loaded by dlopen
   * (docs/shared-objects.md). */
  push(cmd, "-Wl,--export-dynamic-symbol=" BH_SYM_DSO_NEEDS_RUNTIME
            ",--export-dynamic-symbol=" BH_SYM_DSO_REGISTER
            ",--export-dynamic-symbol=" BH_SYM_DEFAULT_STACK_SLOT
            ",--export-dynamic-symbol=" BH_SYM_RT_STACK);
  add_bind_now(cmd, s, in);
}

/* A shared object's instrumented code is shared code and needs no runtime
 * (pass/StandIns.cpp); one with compartments pulls in the runtime's part
 * for shared objects from this archive (runtime/dso-object.c). */
static void add_dso_runtime(struct argv_t *cmd, const struct scan *s,
                            const struct install *in) {
  if (s->lang) {
    push(cmd, "-x");
    push(cmd, "none");
  }
  push(cmd, in->dso_runtime);
  /* Never unloaded: dlclose would leave its compartments' keys on pages
   * the kernel may hand out again (docs/shared-objects.md). */
  push(cmd, "-Wl,-z,nodelete");
  /* No DT_INIT: ld.so would run it, code of the object, before the first
   * .init_array entry that registers it (tools/dso-inert.h). crti's _init
   * only calls __gmon_start__. */
  push(cmd, "-Wl,-init=" BH_SYM_NO_DT_INIT);
  add_bind_now(cmd, s, in);
}

/* The keep pass: the original arguments minus the wrapper's own flags. */
/* The user's arguments, without ours; without -s too if DROP_STRIP (the
 * driver strips the output itself once it has checked its symbols). */
static void add_user_args(struct argv_t *cmd, int argc, char **argv,
                          bool drop_strip) {
  for (int i = 1; i < argc; i++) {
    bool is_value = i > 1 && in_list(argv[i - 1], separate_value_opts);
    if (!is_value && (is_private_flag(argv[i]) ||
                      (drop_strip && strcmp(argv[i], "-s") == 0)))
      continue;
    push(cmd, argv[i]);
  }
}

/* ------------------------------------------------------------- output */

/* Characters that never need shell quoting. */
static bool shell_safe(const char *s) {
  if (!*s)
    return false;
  for (; *s; s++)
    if (!isalnum((unsigned char)*s) && !strchr("@%+=:,./_-", *s))
      return false;
  return true;
}

static void print_quoted(const char *s, FILE *f) {
  if (shell_safe(s)) {
    fputs(s, f);
    return;
  }
  fputc('\'', f);
  for (; *s; s++) {
    if (*s == '\'')
      fputs("'\\''", f);
    else
      fputc(*s, f);
  }
  fputc('\'', f);
}

static void print_command(char **cmd) {
  for (size_t i = 0; cmd[i]; i++) {
    if (i)
      putchar(' ');
    print_quoted(cmd[i], stdout);
  }
  putchar('\n');
}

static void print_help(const char *prog) {
  printf(
      "Usage: %s [clang options] [Bulkhead options] inputs...\n"
      "\n"
      "Runs the pinned clang; with -fpkey-compartments adds the Bulkhead pass\n"
      "plugin, header and runtime. All other options go to clang unchanged.\n"
      "\n"
      "Bulkhead options:\n"
      "  -fpkey-compartments        compartmentalize this build with Intel "
      "MPK\n"
      "  -fno-pkey-compartments     undo an earlier -fpkey-compartments\n"
      "  -fpkey-compartment=NAME    put the whole translation unit in "
      "compartment\n"
      "                             NAME (a C identifier)\n"
      "  -fpkey-share=FILE          allocations made while the functions FILE\n"
      "                             lists run come from the shared heap\n"
      "                             (docs/heaps.md, sharing policy)\n"
      "  -fpkey-compartment-stacks  run compartment code on per-thread stacks\n"
      "                             tagged with the compartment's key (the\n"
      "                             default; docs/design.md)\n"
      "  -fno-pkey-compartment-stacks  run compartment code on the caller's\n"
      "                             stack (key 0) instead\n"
      "  -fno-pkey-syscall-filter   link a program that runs without the "
      "system-call\n"
      "                             filter and supervisor (docs/hardening.md)\n"
      "  -fpkey-syscall-filter      undo an earlier -fno-pkey-syscall-filter\n"
      "  -fpkey-asm-allow=FILE      inline assembly allowed to write PKRU, "
      "with\n"
      "                             reasons (docs/driver.md)\n"
      "  -fno-pkey-link-scan        do not run bulkhead-scan on what a link "
      "writes\n"
      "  -fpkey-link-scan           undo an earlier -fno-pkey-link-scan\n"
      "  -fpkey-scan-allow=FILE     the link-time scan's allowlist "
      "(bulkhead-scan\n"
      "                             --allow=FILE)\n"
      "  --bulkhead-dry-run         print the final clang command and exit\n"
      "  --bulkhead-help            print this help and exit\n"
      "\n"
      "Environment:\n"
      "  BULKHEAD_CLANG=PATH        clang to run (default %s)\n"
      "  BULKHEAD_CLANGXX=PATH      clang++ to run (default %s)\n"
      "  BULKHEAD_DRY_RUN=1         same as --bulkhead-dry-run\n",
      prog, BULKHEAD_CLANG_PATH, BULKHEAD_CLANGXX_PATH);
}

static bool env_flag(const char *name) {
  const char *v = getenv(name);
  return v && *v && strcmp(v, "0") != 0;
}

/* ---------------------------------------------------------------- main */

int main(int argc, char **argv) {
  const char *prog = base_name(argc > 0 ? argv[0] : "bulkhead-clang");
  bool cxx = ends_with(prog, "++");

  struct argv_t expanded = {0}, from_rsp = {0};
  for (int i = 1; i < argc; i++)
    expand_arg(argv[i], 0, &expanded, &from_rsp);

  struct scan s = {.stacks = true, .link_scan = true, .syscall_filter = true};
  scan_args(&s, &expanded, &from_rsp);
  s.dry_run = s.dry_run || env_flag("BULKHEAD_DRY_RUN");
  if (s.help) {
    print_help(prog);
    return 0;
  }

  const char *clang = pick_clang(cxx);
  if (access(clang, X_OK) != 0)
    die("clang not found: %s (set %s to override)", clang,
        cxx ? "BULKHEAD_CLANGXX" : "BULKHEAD_CLANG");

  /* A command without inputs (--version, -v, -print-*) is a query. */
  bool active = s.enabled && s.has_input;
  bool compiling = active && (s.has_cc1_input || s.has_asm_input);
  bool linking = active && s.has_link_input && !s.stops_before_link;
  /* Also without the flag (libtool drops it from its links): the archive
   * adds nothing to an object whose inputs have no compartment. */
  bool linking_dso =
      s.has_input && s.has_link_input && s.shared && !s.turned_off;

  /* Every link it makes is scanned for WRPKRU/XRSTOR bytes (link-scan.h). */
  bool scanning =
      (linking || (linking_dso && active)) && s.link_scan && !s.no_run;
  /* A shared object's gates never run: written as traps (dso-gates.h),
   * also in a link that lost the flag (libtool keeps only the compiler
   * flags it knows) of objects compiled with it. */
  bool disarming = s.has_input && s.has_link_input && s.shared && !s.no_run;
  struct link_scan ls = {.output = s.output ? s.output : "a.out",
                         .allow = s.scan_allow,
                         .scan = scanning,
                         .disarm_gates = disarming,
                         /* Names a module never saw (--defsym, a linker
                          * script) for default-domain code: alias-check.h. */
                         .check_aliases =
                             (linking || linking_dso) && !s.no_run};
  /* Refused where the flag is given (a -shared link that lost it is
   * checked, but its linker options are the build's own). */
  const char *bad = s.unchecked_link;
  if ((linking || (linking_dso && active)) && !s.no_run && bad)
    die("'%s' cannot be used in a link with -fpkey-compartments: the "
        "driver's check of the names for default-domain code would not see "
        "what it does (docs/driver.md)%s",
        bad,
        starts_with(bad, "-o") || starts_with(bad, "--output")
            ? "; give -o to bulkhead-clang itself"
            : "");
  if ((linking || (linking_dso && active)) && !s.no_run && s.icf)
    die("'%s' cannot be used in a link with -fpkey-compartments: folding "
        "gives a function without a default-domain marker the address of "
        "one with it, which the driver's check refuses (docs/driver.md); "
        "use --icf=none",
        s.icf);
  if ((linking || (linking_dso && active)) && !s.no_run && s.static_unwinder)
    die("'%s' cannot be used in a link with -fpkey-compartments: the output "
        "would carry its own copy of libgcc's unwinder, which follows "
        "key-0 unwind records with a compartment's rights; the runtime "
        "answers only the shared libgcc_s's (docs/threat-model.md)",
        s.static_unwinder);
  /* Code Bulkhead did not compile that refers to default-domain code
   * (ref-check.h): the linker names the inputs it used, members too. */
  ls.check_refs = (linking || (linking_dso && active)) && !s.no_run;
  ls.user_trace = s.trace;
  /* The check reads the symbol table, which -s would leave out: the link
   * keeps it, and the driver strips the output after the checks. */
  bool stripping_after = ls.check_aliases && s.strip_all;
  if (stripping_after)
    ls.strip = objcopy_next_to(clang);

  struct argv_t cmd = {0};
  push(&cmd, clang);
  if (compiling || linking || linking_dso) {
    struct install in = locate(find_prefix());
    ls.scanner = in.scanner;
    if (scanning && !s.dry_run)
      require(in.scanner, "Bulkhead scanner");
    bool lto_link = (linking || (linking_dso && active)) && s.lto;
    if (compiling || lto_link)
      require(in.plugin, "Bulkhead pass plugin");
    if (compiling) {
      require(in.header, "Bulkhead header");
      add_compile_flags(&cmd, &s, &in);
    }
    /* The no-op gates' runtime for no-op gates, and only for them. */
    if (s.bench_nop_wrpkru)
      in.runtime = in.runtime_nopkru;
    if (linking)
      require(in.runtime, s.bench_nop_wrpkru
                              ? "Bulkhead no-op WRPKRU runtime (bench only, "
                                "in a build tree, never installed)"
                              : "Bulkhead runtime");
    if (linking_dso)
      require(in.dso_runtime, "Bulkhead runtime for shared objects");
    if (lto_link)
      add_lto_link_flags(&cmd, &s, &in, clang);
    add_user_args(&cmd, argc, argv, stripping_after);
    if (linking)
      add_runtime(&cmd, &s, &in);
    else if (linking_dso)
      add_dso_runtime(&cmd, &s, &in);
    /* The runtime is not compiled by the pass and calls the allocator's
     * marked API (runtime/mimalloc-api.c). */
    static const char *exempt[3];
    exempt[0] = in.runtime;
    exempt[1] = in.dso_runtime;
    ls.exempt = exempt;
    if (ls.check_refs)
      push(&cmd, "-Wl,-t,-t");
  } else {
    add_user_args(&cmd, argc, argv, false);
  }

  if (s.dry_run) {
    print_command(cmd.v);
    if (scanning)
      print_command(link_scan_command(&ls));
    if (ls.strip)
      print_command(link_strip_command(&ls));
    return 0;
  }
  if (scanning || disarming || ls.check_aliases)
    return link_then_scan(cmd.v, &ls);
  execv(clang, cmd.v);
  die("cannot run %s: %s", clang, strerror(errno));
}
