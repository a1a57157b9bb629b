/* fde.c: the bounds of the function around an address, from .eh_frame.
 *
 * Stripped libraries keep no symbol for their local functions (ld.so's
 * lazy-binding trampolines among them), but the unwinder needs their FDEs,
 * so .eh_frame still says where each function starts and ends. libdw parses
 * the entries (dwarf_next_cfi); the FDE's address fields are encoded as the
 * CIE's 'R' augmentation says, which we decode here for the encodings
 * toolchains use (absolute or PC-relative, 4 or 8 bytes). */
#include "where.h"

#include <elfutils/libdw.h>
#include <stdbool.h>
#include <string.h>

#define PE_ABSPTR 0x00
#define PE_UDATA4 0x03
#define PE_UDATA8 0x04
#define PE_SDATA4 0x0b
#define PE_SDATA8 0x0c
#define PE_PCREL 0x10
#define PE_OMIT 0xff

/* Size of a pointer in FORMAT (low 4 bits of an encoding), 0 if unsupported. */
static unsigned pe_size(unsigned format)
{
    switch (format) {
    case PE_ABSPTR:
    case PE_UDATA8:
    case PE_SDATA8:
        return 8;
    case PE_UDATA4:
    case PE_SDATA4:
        return 4;
    default:
        return 0;
    }
}

static uint64_t read_le(const uint8_t *p, unsigned n, int sign)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++)
        v |= (uint64_t)p[i] << (8 * i);
    if (sign && n == 4)
        v = (uint64_t)(int64_t)(int32_t)(uint32_t)v;
    return v;
}

/* The FDE pointer encoding of a CIE: its 'R' augmentation, else absolute.
 * -1 if the augmentation cannot be walked. */
static int fde_encoding(const Dwarf_CIE *cie)
{
    const char *aug = cie->augmentation;
    if (!aug || aug[0] != 'z')
        return aug && aug[0] == 0 ? PE_ABSPTR : -1;
    const uint8_t *d = cie->augmentation_data, *end = d + cie->augmentation_data_size;
    for (const char *a = aug + 1; *a; a++) {
        if (!d || d >= end)
            return -1;
        switch (*a) {
        case 'R':
            return *d;
        case 'L':
            d++;
            break;
        case 'P': {
            unsigned n = pe_size(*d & 0x0f);
            if (!n)
                return -1;
            d += 1 + n;
            break;
        }
        case 'S':
        case 'B':
            break;
        default:
            return -1;
        }
    }
    return PE_ABSPTR;
}

int fde_bounds(Elf *elf, uint64_t addr, uint64_t *lo, uint64_t *hi)
{
    const unsigned char *ident = (const unsigned char *)elf_getident(elf, NULL);
    size_t shstrndx;
    if (!ident || ident[EI_DATA] != ELFDATA2LSB || elf_getshdrstrndx(elf, &shstrndx) != 0)
        return 0;
    for (Elf_Scn *scn = NULL; (scn = elf_nextscn(elf, scn)) != NULL;) {
        GElf_Shdr sh;
        const char *name;
        if (!gelf_getshdr(scn, &sh) || (sh.sh_type != SHT_PROGBITS && sh.sh_type != SHT_X86_64_UNWIND) ||
            !(name = elf_strptr(elf, shstrndx, sh.sh_name)) || strcmp(name, ".eh_frame") != 0)
            continue;
        Elf_Data *data = elf_getdata(scn, NULL);
        if (!data || !data->d_buf)
            return 0;
        Dwarf_Off off = 0, next;
        Dwarf_CFI_Entry ent, cie;
        for (int n = 0; n < 1000000 && off != (Dwarf_Off)-1; n++, off = next) {
            int r = dwarf_next_cfi(ident, data, true, off, &next, &ent);
            if (r == 1 || (r < 0 && (next == (Dwarf_Off)-1 || next <= off)))
                break;
            if (r < 0 || dwarf_cfi_cie_p(&ent))
                continue;
            Dwarf_Off unused;
            if (dwarf_next_cfi(ident, data, true, ent.fde.CIE_pointer, &unused, &cie) != 0 || !dwarf_cfi_cie_p(&cie))
                continue;
            int enc = fde_encoding(&cie.cie);
            unsigned size = enc < 0 || enc == PE_OMIT ? 0 : pe_size((unsigned)enc & 0x0f);
            int app = enc & 0x70;
            const uint8_t *p = ent.fde.start;
            if (!size || (app != 0 && app != PE_PCREL) || ent.fde.end < p || (size_t)(ent.fde.end - p) < 2 * size)
                continue;
            int sign = (enc & 0x0f) == PE_SDATA4;
            uint64_t start = read_le(p, size, sign), range = read_le(p + size, size, 0);
            if (app == PE_PCREL)
                start += sh.sh_addr + (uint64_t)(p - (const uint8_t *)data->d_buf);
            if (addr >= start && addr - start < range) {
                *lo = start, *hi = start + range;
                return 1;
            }
        }
        return 0;
    }
    return 0;
}
