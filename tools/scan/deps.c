/* deps.c: --deps, the shared objects ld.so would load for a program.
 *
 * Resolution follows ld.so(8): the interpreter (PT_INTERP); then for each
 * DT_NEEDED name, breadth first: a name with '/' as is; else DT_RPATH (when
 * the object has no DT_RUNPATH), LD_LIBRARY_PATH, DT_RUNPATH, the
 * directories of /etc/ld.so.conf (what ld.so.cache is built from) and the
 * default directories. $ORIGIN is expanded. A candidate must have the
 * program's ELF class and machine, as ld.so skips others. */
#include "scan.h"

#include <fcntl.h>
#include <gelf.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct strlist {
    char **v;
    size_t n;
};

static void push(struct strlist *l, const char *s)
{
    char **v = realloc(l->v, (l->n + 1) * sizeof *v);
    if (!v)
        return;
    l->v = v;
    l->v[l->n++] = strdup(s);
}

static int contains(const struct strlist *l, const char *s)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i], s) == 0)
            return 1;
    return 0;
}

static void clear(struct strlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    l->v = NULL, l->n = 0;
}

struct dynobj {
    int ok;
    int cls, machine;
    char interp[PATH_MAX];
    struct strlist needed, rpath, runpath;
};

/* Splits a ':'-separated path list, expanding $ORIGIN to ORIGIN. */
static void add_paths(struct strlist *l, const char *list, const char *origin)
{
    char *copy = strdup(list), *save = NULL;
    for (char *d = strtok_r(copy, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
        char buf[PATH_MAX * 2];
        size_t k = 0;
        for (const char *p = d; *p && k + 1 < sizeof buf;) {
            if (!strncmp(p, "$ORIGIN", 7) || !strncmp(p, "${ORIGIN}", 9)) {
                k += (size_t)snprintf(buf + k, sizeof buf - k, "%s", origin);
                p += p[1] == '{' ? 9 : 7;
            } else {
                buf[k++] = *p++;
            }
        }
        buf[k < sizeof buf ? k : sizeof buf - 1] = 0;
        push(l, buf);
    }
    free(copy);
}

static void read_dynobj(const char *path, struct dynobj *d)
{
    memset(d, 0, sizeof *d);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    Elf *elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
    GElf_Ehdr eh;
    if (!elf || elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &eh))
        goto done;
    d->ok = 1;
    d->cls = gelf_getclass(elf);
    d->machine = eh.e_machine;
    char real[PATH_MAX], origin[PATH_MAX];
    snprintf(origin, sizeof origin, ".");
    if (realpath(path, real)) {
        char *slash = strrchr(real, '/');
        if (slash)
            *slash = 0;
        snprintf(origin, sizeof origin, "%s", *real ? real : "/");
    }
    size_t n;
    if (elf_getphdrnum(elf, &n) == 0) {
        size_t size;
        char *raw = elf_rawfile(elf, &size);
        for (size_t i = 0; i < n; i++) {
            GElf_Phdr ph;
            if (gelf_getphdr(elf, (int)i, &ph) && ph.p_type == PT_INTERP && raw && ph.p_offset < size &&
                ph.p_filesz <= size - ph.p_offset && ph.p_filesz > 0)
                snprintf(d->interp, sizeof d->interp, "%.*s", (int)strnlen(raw + ph.p_offset, ph.p_filesz),
                         raw + ph.p_offset);
        }
    }
    for (Elf_Scn *scn = NULL; (scn = elf_nextscn(elf, scn)) != NULL;) {
        GElf_Shdr sh;
        if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_DYNAMIC || sh.sh_entsize == 0)
            continue;
        Elf_Data *data = elf_getdata(scn, NULL);
        if (!data)
            continue;
        for (size_t i = 0; i < data->d_size / sh.sh_entsize; i++) {
            GElf_Dyn dyn;
            if (!gelf_getdyn(data, (int)i, &dyn) || dyn.d_tag == DT_NULL)
                break;
            if (dyn.d_tag != DT_NEEDED && dyn.d_tag != DT_RPATH && dyn.d_tag != DT_RUNPATH)
                continue;
            const char *s = elf_strptr(elf, sh.sh_link, dyn.d_un.d_val);
            if (!s)
                continue;
            if (dyn.d_tag == DT_NEEDED)
                push(&d->needed, s);
            else
                add_paths(dyn.d_tag == DT_RPATH ? &d->rpath : &d->runpath, s, origin);
        }
    }
done:
    if (elf)
        elf_end(elf);
    close(fd);
}

static void free_dynobj(struct dynobj *d)
{
    clear(&d->needed), clear(&d->rpath), clear(&d->runpath);
}

/* /etc/ld.so.conf and its includes, in order. */
static void read_ld_so_conf(const char *file, struct strlist *dirs, int depth)
{
    FILE *f = fopen(file, "r");
    if (!f || depth > 8)
        goto out;
    char line[PATH_MAX];
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "#\n")] = 0;
        char *s = line + strspn(line, " \t");
        size_t l = strlen(s);
        while (l && (s[l - 1] == ' ' || s[l - 1] == '\t'))
            s[--l] = 0;
        if (!*s)
            continue;
        if (!strncmp(s, "include", 7) && (s[7] == ' ' || s[7] == '\t')) {
            char *pat = s + 8 + strspn(s + 8, " \t"), full[PATH_MAX * 2];
            snprintf(full, sizeof full, "%s%s", pat[0] == '/' ? "" : "/etc/", pat);
            glob_t g;
            if (glob(full, 0, NULL, &g) == 0)
                for (size_t i = 0; i < g.gl_pathc; i++)
                    read_ld_so_conf(g.gl_pathv[i], dirs, depth + 1);
            globfree(&g);
        } else if (s[0] == '/') {
            push(dirs, s);
        }
    }
out:
    if (f)
        fclose(f);
}

static int compatible(const char *path, const struct dynobj *prog)
{
    struct dynobj d;
    read_dynobj(path, &d);
    int ok = d.ok && d.cls == prog->cls && d.machine == prog->machine;
    free_dynobj(&d);
    return ok;
}

static int search(const struct strlist *dirs, const char *name, const struct dynobj *prog, char *out, size_t n)
{
    for (size_t i = 0; i < dirs->n; i++) {
        snprintf(out, n, "%s/%s", dirs->v[i], name);
        if (access(out, R_OK) == 0 && compatible(out, prog))
            return 1;
    }
    return 0;
}

static int resolve(const char *name, const struct dynobj *loader, const struct dynobj *prog,
                   const struct strlist *system, char *out, size_t n)
{
    if (strchr(name, '/')) {
        snprintf(out, n, "%s", name);
        return access(out, R_OK) == 0;
    }
    struct strlist env = {0};
    const char *llp = getenv("LD_LIBRARY_PATH");
    if (llp && *llp)
        add_paths(&env, llp, ".");
    int found = (loader->runpath.n == 0 &&
                 (search(&loader->rpath, name, prog, out, n) ||
                  (loader != prog && prog->runpath.n == 0 && search(&prog->rpath, name, prog, out, n)))) ||
                search(&env, name, prog, out, n) || search(&loader->runpath, name, prog, out, n) ||
                search(system, name, prog, out, n);
    clear(&env);
    return found;
}

void scan_deps(const char *path, const struct options *o)
{
    struct dynobj prog;
    read_dynobj(path, &prog);
    if (!prog.ok) {
        free_dynobj(&prog);
        return; /* not ELF: scan_path already said so */
    }
    struct strlist system = {0}, queue = {0}, seen = {0};
    read_ld_so_conf("/etc/ld.so.conf", &system, 0);
    static const char *defaults[] = {
        "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64", "/lib", "/usr/lib"};
    for (size_t i = 0; i < sizeof defaults / sizeof *defaults; i++)
        push(&system, defaults[i]);

    char real[PATH_MAX];
    if (realpath(path, real))
        push(&seen, real);
    if (prog.interp[0])
        push(&queue, prog.interp);

    /* Breadth first, like ld.so's load order; queue holds resolved paths. */
    for (size_t i = 0; i < prog.needed.n; i++) {
        char out[PATH_MAX * 2];
        if (resolve(prog.needed.v[i], &prog, &prog, &system, out, sizeof out))
            push(&queue, out);
        else
            diag_error(path, "cannot find %s, which it needs", prog.needed.v[i]);
    }
    for (size_t qi = 0; qi < queue.n; qi++) {
        const char *lib = queue.v[qi];
        if (!realpath(lib, real) || contains(&seen, real))
            continue;
        push(&seen, real);
        diag_note(path, "dependency %s", lib);
        scan_path(lib, o, path);
        struct dynobj d;
        read_dynobj(lib, &d);
        for (size_t i = 0; i < d.needed.n; i++) {
            char out[PATH_MAX * 2];
            if (resolve(d.needed.v[i], &d, &prog, &system, out, sizeof out))
                push(&queue, out);
            else
                diag_error(lib, "cannot find %s, which it needs", d.needed.v[i]);
        }
        free_dynobj(&d);
    }
    clear(&system), clear(&queue), clear(&seen);
    free_dynobj(&prog);
}
