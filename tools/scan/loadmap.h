/* loadmap.h: executable memory as ld.so maps a program or shared object,
 * and as relocatable objects hold it (sections). */
#ifndef BULKHEAD_LOADMAP_H
#define BULKHEAD_LOADMAP_H

#include <gelf.h>
#include <stddef.h>
#include <stdint.h>

/* Bytes of one segment (or section) that end up executable. */
struct piece {
    uint64_t vaddr, size;
    uint64_t foff;             /* file offset of vaddr, within the object */
    uint64_t core_lo, core_hi; /* the segment proper; the rest is page rounding */
};

/* Executable memory contiguous in addresses: one buffer to search, however
 * its pieces lie in the file. */
struct region {
    uint64_t vaddr; /* address of bytes[0] (offset if relocatable) */
    size_t size;
    const uint8_t *bytes; /* into the image, or a copy (owned) */
    uint8_t *owned;
    struct piece *pieces; /* in address order, covering the region */
    size_t npieces;
    size_t shndx; /* relocatable: section index */
};

/* The piece holding ADDR (R->vaddr <= ADDR < R->vaddr + R->size). */
const struct piece *region_piece(const struct region *r, uint64_t addr);

/* Linked files: the executable memory ld.so would map, as regions in
 * address order. Appends to *REGS / *NREGS; reports bad segments. */
void loadmap_segments(const char *name, Elf *elf, const uint8_t *image, size_t size, struct region **regs,
                      size_t *nregs);

/* Relocatable objects: one region for the section bytes at OFFSET. */
void loadmap_section(size_t shndx, uint64_t offset, size_t size, const uint8_t *image, struct region **regs,
                     size_t *nregs);

void loadmap_free(struct region *regs, size_t nregs);

#endif
