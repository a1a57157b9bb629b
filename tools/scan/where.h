/* where.h: names for an address: section, symbol+offset, source file:line. */
#ifndef BULKHEAD_WHERE_H
#define BULKHEAD_WHERE_H

#include <gelf.h>
#include <stdint.h>

struct wsection {
    size_t index;
    const char *name;
    uint64_t addr, size, offset;
    uint64_t flags;
    uint32_t type;
};

struct wsymbol {
    const char *name;
    uint64_t value, size;
    size_t shndx; /* only compared in relocatable objects */
    int type;     /* STT_* */
};

struct where {
    Elf *elf;
    int relocatable;
    struct wsection *secs; /* sorted by address (by index if relocatable) */
    size_t nsecs;
    struct wsymbol *syms; /* sorted by (shndx, value) once syms_sorted */
    size_t nsyms;
    int syms_sorted, symbol_passes;
    void *dwarf; /* Dwarf *, or NULL */
};

/* Never fails hard: what cannot be read is simply not known. */
void where_open(struct where *w, Elf *elf, int relocatable);
void where_close(struct where *w);
const struct wsection *where_section_by_index(const struct where *w, size_t index);
/* The allocated section holding vaddr A (linked files). */
const struct wsection *where_section_at(const struct where *w, uint64_t a);
/* The nearest symbol at or before A in section SHNDX (any section if linked). */
const struct wsymbol *where_symbol(struct where *w, size_t shndx, uint64_t a);
/* Source file and line of A from DWARF; 0 if unknown. */
int where_line(const struct where *w, uint64_t a, const char **file, int *line);

/* fde.c: [*LO, *HI) of the function whose .eh_frame FDE covers A (linked
 * files, little-endian); 0 if none does. For code without a symbol. */
int fde_bounds(Elf *elf, uint64_t a, uint64_t *lo, uint64_t *hi);

#endif
