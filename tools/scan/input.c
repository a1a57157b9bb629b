/* input.c: turn a path into ELF objects: plain ELF files, members of static
 * archives, and a note for anything else. Files are mapped, not read, so a
 * large library costs no copy. */
#include "scan.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static void scan_archive(const char *name, Elf *ar, const struct options *o, const char *dep_of)
{
    Elf_Cmd cmd = ELF_C_READ_MMAP;
    for (int members = 0; cmd != ELF_C_NULL && members < 1000000; members++) {
        (void)elf_errno(); /* errors are sticky: clear to tell end from failure */
        Elf *m = elf_begin(-1, cmd, ar);
        if (!m) {
            int err = elf_errno();
            if (err)
                diag_error(name, "malformed archive: %s", elf_errmsg(err));
            break;
        }
        Elf_Arhdr *h = elf_getarhdr(m);
        /* "/" and "//" are the archive's symbol and name tables */
        if (h && h->ar_name && h->ar_name[0] != '/') {
            char display[4096];
            snprintf(display, sizeof display, "%s(%s)", name, h->ar_name);
            size_t size;
            char *raw = elf_rawfile(m, &size);
            if (elf_kind(m) == ELF_K_ELF && raw)
                scan_elf(display, m, (const uint8_t *)raw, size, (uint64_t)elf_getbase(m), o, dep_of);
            else
                diag_note(display, "archive member is not an ELF object, skipped");
        }
        cmd = elf_next(m);
        elf_end(m);
    }
}

void scan_image(const char *name, void *image, size_t size, const struct options *o, const char *dep_of)
{
    Elf *elf = elf_memory(image, size);
    if (!elf) {
        diag_error(name, "cannot read: %s", elf_errmsg(-1));
        return;
    }
    switch (elf_kind(elf)) {
    case ELF_K_ELF:
        scan_elf(name, elf, image, size, 0, o, dep_of);
        break;
    case ELF_K_AR:
        scan_archive(name, elf, o, dep_of);
        break;
    default:
        diag_note(name, "not an ELF file or archive, skipped");
        break;
    }
    elf_end(elf);
}

void scan_path(const char *path, const struct options *o, const char *dep_of)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        diag_error(path, "cannot open: %s", strerror(errno));
        return;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        diag_error(path, "cannot stat: %s", strerror(errno));
        close(fd);
        return;
    }
    if (!S_ISREG(st.st_mode)) {
        if (S_ISDIR(st.st_mode))
            diag_error(path, "is a directory (use -r to scan directories)");
        else
            diag_note(path, "not a regular file, skipped");
        close(fd);
        return;
    }
    if (st.st_size == 0) {
        diag_note(path, "empty file, skipped");
        close(fd);
        return;
    }
    /* Private writable mapping: libelf may want to write into its image
     * (byte order conversion); the pages stay shared until it does. */
    void *p = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    close(fd);
    if (p == MAP_FAILED) {
        diag_error(path, "cannot map: %s", strerror(errno));
        return;
    }
    scan_image(path, p, (size_t)st.st_size, o, dep_of);
    munmap(p, (size_t)st.st_size);
}
