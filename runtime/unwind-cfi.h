/* unwind-cfi.h - reading .eh_frame's CIEs and the DWARF pointer encodings
 * they use (unwind-cfi.c), for the unwinder's lookup (unwind-find.c) and
 * its copies (unwind-copy.c). */
#ifndef BULKHEAD_UNWIND_CFI_H
#define BULKHEAD_UNWIND_CFI_H

#include <stddef.h>
#include <stdint.h>

#define BH_PE_ABSPTR 0x00
#define BH_PE_INDIRECT 0x80
#define BH_PE_OMIT 0xff

/* An unsigned LEB128 at *p (also skips a signed one). */
uintptr_t bh_cfi_uleb(const uint8_t **p) __attribute__((visibility("hidden")));

/* A value of pointer encoding ENC at *P: absptr, udata4/8 or sdata4/8,
 * absolute, pc-relative or relative to DATA (datarel), the forms linkers
 * and compilers write for x86-64; the indirect bit is the caller's to
 * follow. A relative 0 is 0, no pointer, as libgcc_s and libstdc++ read
 * it. *ok = 0 for any other form. */
uintptr_t bh_cfi_encoded(const uint8_t **p, uint8_t enc, uintptr_t data,
                         int *ok) __attribute__((visibility("hidden")));

/* What a CIE says, as libgcc_s's unwinder reads it. */
struct bh_cie {
  const uint8_t *end;    /* past its last byte */
  uint8_t version;       /* 1 or 3 */
  const char *aug;       /* its augmentation string: "", or "z" then L, R,
                          * P, S, B */
  const uint8_t *fields; /* code and data alignment, return address column */
  const uint8_t *fields_end;
  const uint8_t *insns; /* its initial instructions, up to end */
  uint8_t fde_enc;      /* 'R' (absptr without it) */
  uint8_t lsda_enc;     /* 'L' (BH_PE_OMIT without it) */
  uint8_t pers_enc;     /* 'P' (BH_PE_OMIT without it) */
  uintptr_t pers;       /* 'P': the pointer as encoded, the address of the
                         * word holding the routine's if indirect */
};

/* The CIE at CIE into *c: 0, or -1 for one of any other form (a 64-bit
 * length, another version or augmentation, "eh"). */
int bh_cie_read(const uint8_t *cie, struct bh_cie *c)
    __attribute__((visibility("hidden")));

/* A signed LEB128 at *p. */
intptr_t bh_cfi_sleb(const uint8_t **p) __attribute__((visibility("hidden")));

/* What an LSDA (the C++ personality routine's: .gcc_except_table) holds,
 * in the order it holds it. */
struct bh_lsda {
  uint8_t lpstart_enc; /* BH_PE_OMIT: the landing pads' base is the FDE's */
  uintptr_t lpstart;
  uint8_t ttype_enc;     /* the type table's (BH_PE_OMIT: none) */
  const uint8_t *cs_at;  /* the call-site table's encoding, length, table */
  const uint8_t *cs_end; /* the action table follows */
  const uint8_t *actions_end; /* past the last action record any call
                               * site's chain reaches */
  const uint8_t *ttype;       /* the type table's base (entries below it) */
  size_t ttype_size;          /* an entry's size */
  uintptr_t types;            /* the highest type index used (1-based) */
  const uint8_t *specs_end;   /* past the exception specifications above
                               * the base (ttype if none) */
};

/* The LSDA at LSDA into *l: 0, or -1 if it is not of the form compilers
 * write (call-site values absolute, action chains inside it). */
int bh_lsda_read(const uint8_t *lsda, struct bh_lsda *l)
    __attribute__((visibility("hidden")));
/* Whether a call site of L's table covers offset OFF from the region's
 * start: where none does, libstdc++'s routine calls std::terminate. */
int bh_lsda_covers(const struct bh_lsda *l, uintptr_t off)
    __attribute__((visibility("hidden")));
/* Type table entry I (1 to l->types): the type_info's address, or with
 * *indirect set the address of the word holding it; 0: catch all. */
uintptr_t bh_lsda_type(const struct bh_lsda *l, uintptr_t i, int *indirect)
    __attribute__((visibility("hidden")));

/* Where the words a CIE's personality pointer or an LSDA's type table
 * names indirectly get their values (unwind-find.c): value() is 0 with
 * the value in *v, or -1. LATE: the object was registered after
 * start-up (its type words recorded then: type_value). */
struct bh_words {
  const void *ctx;
  int (*value)(const void *ctx, uintptr_t at, uintptr_t *v);
  int late;
  /* Whether a personality routine at A is libstdc++'s or libgcc_s's:
   * another object's may forward through key-0 words (glibc's
   * __gcc_personality_v0, review 30b). */
  int (*routine_ok)(uintptr_t a);
  /* Bulkhead did not build the frame's function (unwind-find.c,
   * built_by_bulkhead): its landing pads hand nothing over and check no
   * rights (unwind-copy.c, foreign_personality). */
  int foreign;
  /* As value, for an LSDA's type words: also those recorded when a late
   * object was registered (never its personality word, which only its
   * read-only pages give: review 76a). */
  int (*type_value)(const void *ctx, uintptr_t at, uintptr_t *v);
};

#endif
