/* main.c: bulkhead-scan, find and vet every WRPKRU/XRSTOR in ELF code.
 * Exit status: 0 clean, 1 unvetted hits, 2 usage or I/O error (a file that
 * could not be scanned fails the run: an unscanned file is not a clean one). */
#include "scan.h"

#include <dirent.h>
#include <gelf.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void usage(FILE *f)
{
    fputs("usage: bulkhead-scan [options] FILE...\n"
          "Finds WRPKRU, XRSTOR and XRSTORS bytes in the executable code of ELF\n"
          "programs, shared objects, object files and static archives, and fails\n"
          "unless each one is a vetted gate.\n"
          "\n"
          "  -r, --recursive       scan directories recursively\n"
          "      --deps            also scan the shared objects ld.so would load\n"
          "      --allow=FILE      allowlist: 'FILE ADDRESS REASON' lines\n"
          "      --no-system-gadgets\n"
          "                        fail on glibc's pkey_set WRPKRU and ld.so's\n"
          "                        lazy-binding XRSTOR too (tolerated by default)\n"
          "      --format=FMT      text (default), json or sarif\n"
          "  -o, --output=FILE     write the report to FILE instead of stdout\n"
          "  -v, --verbose         text: also list vetted hits\n"
          "  -q, --quiet           no notes (skipped files, dependencies)\n"
          "  -h, --help            this help\n"
          "      --version         print the version\n"
          "\n"
          "Exit status: 0 no unvetted hits, 1 unvetted hits, 2 usage or I/O error.\n",
          f);
}

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Sorted, so reports are stable; symlinks inside directories are not
 * followed (they would scan a library twice, or loop). */
static void walk(const char *dir, const struct options *o)
{
    struct dirent **ents;
    int n = scandir(dir, &ents, NULL, alphasort);
    if (n < 0) {
        diag_error(dir, "cannot read directory: %m");
        return;
    }
    for (int i = 0; i < n; i++) {
        const char *nm = ents[i]->d_name;
        if (strcmp(nm, ".") != 0 && strcmp(nm, "..") != 0) {
            size_t l = strlen(dir);
            char *p = malloc(l + strlen(nm) + 2);
            sprintf(p, "%s%s%s", dir, l && dir[l - 1] == '/' ? "" : "/", nm);
            struct stat st;
            if (lstat(p, &st) != 0)
                diag_error(p, "cannot stat: %m");
            else if (S_ISDIR(st.st_mode))
                walk(p, o);
            else if (S_ISREG(st.st_mode))
                scan_path(p, o, NULL);
            free(p);
        }
        free(ents[i]);
    }
    free(ents);
}

int main(int argc, char **argv)
{
    enum { OPT_DEPS = 256, OPT_ALLOW, OPT_FORMAT, OPT_VERSION, OPT_NO_SYSTEM };
    static const struct option longopts[] = {
        {"recursive", no_argument, NULL, 'r'},
        {"deps", no_argument, NULL, OPT_DEPS},
        {"allow", required_argument, NULL, OPT_ALLOW},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"output", required_argument, NULL, 'o'},
        {"verbose", no_argument, NULL, 'v'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, OPT_VERSION},
        {"no-system-gadgets", no_argument, NULL, OPT_NO_SYSTEM},
        {NULL, 0, NULL, 0},
    };
    struct options o = {0};
    const char *allow = NULL, *output = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "rvqho:", longopts, NULL)) != -1) {
        switch (c) {
        case 'r':
            o.recursive = 1;
            break;
        case 'v':
            o.verbose = 1;
            break;
        case 'q':
            o.quiet = 1;
            break;
        case 'o':
            output = optarg;
            break;
        case OPT_DEPS:
            o.deps = 1;
            break;
        case OPT_ALLOW:
            allow = optarg;
            break;
        case OPT_NO_SYSTEM:
            o.no_system_gadgets = 1;
            break;
        case OPT_FORMAT:
            if (!strcmp(optarg, "text"))
                o.format = FMT_TEXT;
            else if (!strcmp(optarg, "json"))
                o.format = FMT_JSON;
            else if (!strcmp(optarg, "sarif"))
                o.format = FMT_SARIF;
            else {
                fprintf(stderr, "bulkhead-scan: error: unknown format '%s' (text, json or sarif)\n", optarg);
                return 2;
            }
            break;
        case 'h':
            usage(stdout);
            return 0;
        case OPT_VERSION:
            puts("bulkhead-scan " SCAN_VERSION);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "bulkhead-scan: error: no input files\n");
        usage(stderr);
        return 2;
    }
    diag_set_quiet(o.quiet);
    if (elf_version(EV_CURRENT) == EV_NONE) {
        fprintf(stderr, "bulkhead-scan: error: libelf is out of date\n");
        return 2;
    }
    if (allow && !(o.allow = allow_load(allow)))
        return 2;
    FILE *fp = NULL;
    if (output && !(fp = fopen(output, "w"))) {
        fprintf(stderr, "bulkhead-scan: %s: error: cannot write: %m\n", output);
        return 2;
    }
    out_set_stream(fp ? fp : stdout);
    out_begin(&o);
    for (int i = optind; i < argc; i++) {
        if (o.recursive && is_dir(argv[i])) {
            walk(argv[i], &o);
            continue;
        }
        scan_path(argv[i], &o, NULL);
        if (o.deps)
            scan_deps(argv[i], &o);
    }
    allow_report_unused(o.allow);
    int errors = g_errors; /* out_end may not add any, but read it first */
    out_end();
    if (fp && fclose(fp) != 0) {
        fprintf(stderr, "bulkhead-scan: %s: error: cannot write: %m\n", output);
        errors++;
    }
    allow_free(o.allow);
    return errors ? 2 : g_unvetted ? 1 : 0;
}
