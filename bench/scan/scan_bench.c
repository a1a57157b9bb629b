/* scan_bench.c: throughput of bulkhead-scan's search on the executable bytes
 * of real binaries, against memchr over the same bytes (the memory-bound
 * limit: one pass for a byte value that never occurs there) and against the
 * common shortcut `objdump -d | grep wrpkru`, which only sees instructions
 * at the boundaries objdump decodes and so misses every unaligned hit.
 *
 * usage: scan_bench SCANNER FILE...   (see run.sh) */
#include "scan.h"

#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

/* The bytes of all PF_X PT_LOAD segments, concatenated, in memory. */
static uint8_t *exec_bytes(const char *path, size_t *len)
{
    int fd = open(path, O_RDONLY);
    Elf *e = fd >= 0 ? elf_begin(fd, ELF_C_READ, NULL) : NULL;
    size_t n, size;
    char *raw = e ? elf_rawfile(e, &size) : NULL;
    uint8_t *buf = NULL;
    *len = 0;
    if (raw && elf_getphdrnum(e, &n) == 0)
        for (size_t i = 0; i < n; i++) {
            GElf_Phdr ph;
            if (!gelf_getphdr(e, (int)i, &ph) || ph.p_type != PT_LOAD || !(ph.p_flags & PF_X) ||
                ph.p_offset + ph.p_filesz > size)
                continue;
            buf = realloc(buf, *len + ph.p_filesz);
            memcpy(buf + *len, raw + ph.p_offset, ph.p_filesz);
            *len += ph.p_filesz;
        }
    if (e)
        elf_end(e);
    if (fd >= 0)
        close(fd);
    return buf;
}

static size_t counts[3];
static int count(void *ctx, size_t off, enum pkind k)
{
    (void)ctx, (void)off;
    counts[k]++;
    return 0;
}

/* Best of REPS, in seconds. */
#define BEST(REPS, EXPR)                                  \
    ({                                                    \
        double best = 1e9;                                \
        for (int r_ = 0; r_ < (REPS); r_++) {             \
            double t0_ = now();                           \
            EXPR;                                         \
            double t_ = now() - t0_;                      \
            if (t_ < best)                                \
                best = t_;                                \
        }                                                 \
        best;                                             \
    })

static size_t memchr_count(const uint8_t *p, size_t len, int c)
{
    size_t n = 0;
    for (const uint8_t *q = p, *end = p + len; (q = memchr(q, c, (size_t)(end - q))) != NULL; q++)
        n++;
    return n;
}

/* Runs cmd and returns its wall time; *status is its exit status (-1 when
 * it could not run or died of a signal). */
static double run_cmd(const char *cmd, char *out, size_t n, int *status)
{
    double t0 = now();
    FILE *f = popen(cmd, "r");
    size_t k = f ? fread(out, 1, n - 1, f) : 0;
    out[k] = 0;
    int st = f ? pclose(f) : -1;
    *status = st != -1 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return now() - t0;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: scan_bench SCANNER FILE...\n");
        return 2;
    }
    elf_version(EV_CURRENT);
    int objdump = !getenv("BENCH_NO_OBJDUMP");
    printf("%-28s %8s %10s %10s %10s %10s %7s %7s\n", "file", "exec MB", "memchr", "memchr0F",
           "search", "scanner", "srch/mc", "scan/mc");
    for (int i = 2; i < argc; i++) {
        size_t len;
        uint8_t *b = exec_bytes(argv[i], &len);
        if (!b || len == 0) {
            printf("%s: no executable segments\n", argv[i]);
            continue;
        }
        /* A byte value that never occurs: memchr must read everything. */
        size_t hist[256] = {0};
        for (size_t k = 0; k < len; k++)
            hist[b[k]]++;
        int absent = 0;
        for (int v = 1; v < 256; v++)
            if (hist[v] < hist[absent])
                absent = v;
        double mb = len / 1e6;
        volatile size_t sink = 0;
        double t_mc = BEST(5, sink += memchr_count(b, len, absent));
        double t_0f = BEST(5, sink += memchr_count(b, len, 0x0F));
        double t_s = BEST(5, (memset(counts, 0, sizeof counts), search_patterns(b, len, count, NULL)));
        char cmd[8192], out[4096];
        snprintf(cmd, sizeof cmd, "'%s' -q '%s' >/dev/null 2>&1", argv[1], argv[i]);
        double t_full = 1e9;
        for (int r = 0; r < 3; r++) {
            int st;
            double t = run_cmd(cmd, out, sizeof out, &st);
            if (st != 0 && st != 1) { /* 0 clean, 1 hits; anything else failed */
                fprintf(stderr, "scan_bench: '%s' failed (status %d): no timing\n", cmd, st);
                return 2;
            }
            if (t < t_full)
                t_full = t;
        }
        const char *base = strrchr(argv[i], '/');
        printf("%-28.28s %8.1f %8.0f/s %8.0f/s %8.0f/s %8.0f/s %7.2f %7.2f\n", base ? base + 1 : argv[i],
               mb, mb / t_mc, mb / t_0f, mb / t_s, mb / t_full, t_mc / t_s, t_mc / t_full);
        printf("    hits: WRPKRU %zu, XRSTOR %zu, XRSTORS %zu (0x%02x occurs %zu times)\n", counts[0],
               counts[1], counts[2], absent, hist[absent]);
        if (objdump) {
            snprintf(cmd, sizeof cmd, "objdump -d '%s' | grep -c wrpkru", argv[i]);
            int st;
            double t = run_cmd(cmd, out, sizeof out, &st);
            printf("    objdump -d | grep wrpkru: %ld found in %.1f s (%.0f MB/s); bulkhead-scan finds %zu "
                   "WRPKRU byte sequences: %ld missed\n",
                   strtol(out, NULL, 10), t, mb / t, counts[0], (long)counts[0] - strtol(out, NULL, 10));
        }
        free(b);
    }
    printf("MB/s in units of 10^6 bytes; memchr = one memchr pass for an absent byte (memory-bound);\n"
           "memchr0F = the memchr-for-0F prefilter loop; search = bulkhead-scan's pattern search on\n"
           "bytes in memory; scanner = the whole bulkhead-scan run (open, map, search, classify);\n"
           "srch/mc, scan/mc = speed relative to memchr.\n");
    return 0;
}
