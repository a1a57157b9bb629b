/* allow.c: the user allowlist.
 *
 * One entry a line:   FILE ADDRESS REASON...
 *   FILE     the scanned path as reported, or its last path component
 *   ADDRESS  the exact hit address as reported: 0x401136, or .text+0x1c in
 *            relocatable objects; or SYMBOL+0xOFFSET as reported
 *   REASON   free text, required: an exception nobody can explain is not
 *            an exception
 * '#' starts a comment. Unused entries are reported, so the list stays true.
 */
#include "scan.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct entry {
    char *file, *addr, *reason;
    int line, used;
};

struct allowlist {
    char *path;
    struct entry *v;
    size_t n;
};

static char *next_word(char **s)
{
    while (isspace((unsigned char)**s))
        (*s)++;
    if (!**s)
        return NULL;
    char *w = *s;
    while (**s && !isspace((unsigned char)**s))
        (*s)++;
    if (**s)
        *(*s)++ = 0;
    return w;
}

/* Addresses compare as numbers, so 0x00401136 and 0x401136 are one entry. */
static char *canon_addr(const char *a)
{
    const char *plus = strrchr(a, '+');
    const char *num = plus ? plus + 1 : a;
    char *end;
    unsigned long long v = strtoull(num, &end, 0);
    if (*num == 0 || *end != 0)
        return NULL;
    char buf[512];
    if (plus)
        snprintf(buf, sizeof buf, "%.*s+0x%llx", (int)(plus - a), a, v);
    else
        snprintf(buf, sizeof buf, "0x%llx", v);
    return strdup(buf);
}

struct allowlist *allow_load(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        diag_error(path, "cannot open allowlist: %m");
        return NULL;
    }
    struct allowlist *a = calloc(1, sizeof *a);
    a->path = strdup(path);
    char *buf = NULL;
    size_t cap = 0, nv = 0;
    int lineno = 0, bad = 0;
    while (getline(&buf, &cap, f) > 0) {
        lineno++;
        char *hash = strchr(buf, '#');
        if (hash)
            *hash = 0;
        char *s = buf, *file = next_word(&s), *addr = next_word(&s);
        if (!file)
            continue;
        while (isspace((unsigned char)*s))
            s++;
        size_t rl = strlen(s);
        while (rl && isspace((unsigned char)s[rl - 1]))
            s[--rl] = 0;
        char *canon = addr ? canon_addr(addr) : NULL;
        if (!canon || !*s) {
            diag_error(path, "line %d: expected 'FILE ADDRESS REASON', %s", lineno,
                       !canon ? "address missing or not a number" : "the reason is missing");
            free(canon);
            bad = 1;
            continue;
        }
        if (a->n == nv) {
            nv = nv ? nv * 2 : 16;
            a->v = realloc(a->v, nv * sizeof *a->v);
        }
        struct entry *e = &a->v[a->n++];
        e->file = strdup(file), e->addr = canon, e->reason = strdup(s);
        e->line = lineno, e->used = 0;
    }
    free(buf);
    fclose(f);
    if (bad) {
        allow_free(a);
        return NULL;
    }
    return a;
}

const char *allow_lookup(struct allowlist *a, const char *file, const char *key)
{
    if (!a)
        return NULL;
    const char *base = strrchr(file, '/');
    base = base ? base + 1 : file;
    for (size_t i = 0; i < a->n; i++) {
        struct entry *e = &a->v[i];
        if (strcmp(e->addr, key) == 0 && (strcmp(e->file, file) == 0 || strcmp(e->file, base) == 0)) {
            e->used = 1;
            return e->reason;
        }
    }
    return NULL;
}

void allow_report_unused(struct allowlist *a)
{
    for (size_t i = 0; a && i < a->n; i++)
        if (!a->v[i].used)
            diag_warning(a->path, "line %d: entry '%s %s' matched no hit", a->v[i].line, a->v[i].file, a->v[i].addr);
}

void allow_free(struct allowlist *a)
{
    if (!a)
        return;
    for (size_t i = 0; i < a->n; i++) {
        free(a->v[i].file);
        free(a->v[i].addr);
        free(a->v[i].reason);
    }
    free(a->v);
    free(a->path);
    free(a);
}
