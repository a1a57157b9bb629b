/* gates.h: the gate manifest (.bulkhead.gates) and the gate check. */
#ifndef BULKHEAD_GATES_H
#define BULKHEAD_GATES_H

#include "../../include/bulkhead/abi.h"
#include "where.h"

struct gate {
    size_t shndx; /* relocatable objects: section; 0 in linked files */
    uint64_t addr;
};

struct gate_src {
    Elf *elf;
    const uint8_t *image;
    size_t size;
    const struct where *where;
    int relocatable;
    /* Executable bytes at ADDR with BEFORE bytes before it and AFTER from it
     * on readable, or NULL. */
    const uint8_t *(*bytes)(void *ctx, size_t shndx, uint64_t addr, size_t before, size_t after);
    /* A manifest entry that is not a gate, or a manifest that is unreadable. */
    void (*forged)(void *ctx, size_t shndx, uint64_t addr, const char *why);
    void *ctx;
};

struct gateset {
    struct gate *v; /* sorted */
    size_t n;
};

/* The gate manifest, and the gate itself (its encoding is described with
 * BH_CHECKED_GATE): include/bulkhead/abi.h. */
#define GATES_SECTION BH_SECTION_GATES

/* Reads every manifest section and keeps the entries that hold a real gate. */
void gates_load(const struct gate_src *s, struct gateset *out);
int gates_contains(const struct gateset *g, size_t shndx, uint64_t addr);
void gates_free(struct gateset *g);

#endif
