/*
 * unwind-cfi.c - reading the CIEs of .eh_frame and the DWARF pointer
 * encodings of .eh_frame and .eh_frame_hdr (the formats: the LSB's
 * "Exception Frames" chapter), for the runtime's FDE lookup and its copies
 * of what it finds (unwind-find.c, unwind-copy.c). Only read-only file
 * pages of the objects are read here.
 */
#include "unwind-cfi.h"

#include <string.h>

uintptr_t bh_cfi_uleb(const uint8_t **p) {
  uintptr_t v = 0;
  for (unsigned shift = 0;; shift += 7) {
    uint8_t b = *(*p)++;
    if (shift < 64)
      v |= (uintptr_t)(b & 0x7f) << shift;
    if (!(b & 0x80))
      return v;
  }
}

uintptr_t bh_cfi_encoded(const uint8_t **p, uint8_t enc, uintptr_t data,
                         int *ok) {
  const uint8_t *at = *p;
  uintptr_t v;
  switch (enc & 0x0f) {
  case 0x00: /* absptr */
  case 0x04: /* udata8 */
  case 0x0c: /* sdata8 */
    memcpy(&v, at, 8);
    *p += 8;
    break;
  case 0x03: { /* udata4 */
    uint32_t u;
    memcpy(&u, at, 4);
    v = u, *p += 4;
    break;
  }
  case 0x0b: { /* sdata4 */
    int32_t s;
    memcpy(&s, at, 4);
    v = (uintptr_t)(intptr_t)s, *p += 4;
    break;
  }
  default:
    *ok = 0;
    return 0;
  }
  switch (enc & 0x70) {
  case 0x00:
    return v;
  case 0x10: /* pcrel */
  case 0x30: /* datarel */
    if (!v)
      return 0; /* as libgcc reads it: no pointer (an FDE's absent LSDA) */
    return v + ((enc & 0x70) == 0x10 ? (uintptr_t)at : data);
  default: /* aligned, textrel, funcrel: not for these fields */
    *ok = 0;
    return 0;
  }
}

int bh_cie_read(const uint8_t *cie, struct bh_cie *c) {
  uint32_t len, id;
  memcpy(&len, cie, 4);
  memcpy(&id, cie + 4, 4);
  if (len < 8 || len == 0xffffffff || id != 0)
    return -1;
  c->end = cie + 4 + len;
  c->version = cie[8];
  if (c->version != 1 && c->version != 3)
    return -1;
  c->aug = (const char *)cie + 9;
  const char *nul = memchr(c->aug, 0, (size_t)(c->end - (const uint8_t *)c->aug));
  if (!nul)
    return -1;
  const uint8_t *p = (const uint8_t *)nul + 1;
  c->fields = p;
  bh_cfi_uleb(&p); /* code alignment */
  bh_cfi_uleb(&p); /* data alignment (signed: skipped alike) */
  if (c->version == 1)
    p++; /* return address column */
  else
    bh_cfi_uleb(&p);
  c->fields_end = p;
  c->fde_enc = BH_PE_ABSPTR;
  c->lsda_enc = c->pers_enc = BH_PE_OMIT;
  c->pers = 0;
  if (!c->aug[0]) {
    c->insns = p;
    return p <= c->end ? 0 : -1;
  }
  if (c->aug[0] != 'z')
    return -1;
  uintptr_t n = bh_cfi_uleb(&p);
  const uint8_t *data_end = p + n;
  for (const char *a = c->aug + 1; *a; a++) {
    int ok = 1;
    switch (*a) {
    case 'R':
      c->fde_enc = *p++;
      break;
    case 'L':
      c->lsda_enc = *p++;
      break;
    case 'P':
      c->pers_enc = *p++;
      c->pers = bh_cfi_encoded(&p, c->pers_enc, 0, &ok);
      break;
    case 'S': /* a signal frame */
    case 'B': /* AArch64's B key: no data */
      break;
    default:
      return -1;
    }
    if (!ok)
      return -1;
  }
  if (p > data_end || data_end > c->end)
    return -1;
  c->insns = data_end;
  return 0;
}

intptr_t bh_cfi_sleb(const uint8_t **p) {
  uintptr_t v = 0;
  unsigned shift = 0;
  uint8_t b;
  do {
    b = *(*p)++;
    if (shift < 64)
      v |= (uintptr_t)(b & 0x7f) << shift;
    shift += 7;
  } while (b & 0x80);
  if (shift < 64 && (b & 0x40))
    v |= ~(uintptr_t)0 << shift;
  return (intptr_t)v;
}

/* Skips a call-site value of encoding ENC: absolute forms only (the
 * personality routine reads them with no base). */
static int skip_cs_value(const uint8_t **p, uint8_t enc) {
  if (enc & 0x70)
    return -1;
  switch (enc & 0x0f) {
  case 0x01: /* uleb128 */
    bh_cfi_uleb(p);
    return 0;
  case 0x03: /* udata4 */
  case 0x0b: /* sdata4 */
    *p += 4;
    return 0;
  case 0x00:
  case 0x04:
  case 0x0c:
    *p += 8;
    return 0;
  default:
    return -1;
  }
}

static size_t size_of(uint8_t enc) {
  switch (enc & 0x0f) {
  case 0x00:
  case 0x04:
  case 0x0c:
    return 8;
  case 0x03:
  case 0x0b:
    return 4;
  default:
    return 0;
  }
}

/* A call-site value read as skip_cs_value skips it; *ok cleared if not. */
static uintptr_t cs_value(const uint8_t **p, uint8_t enc, int *ok) {
  if ((enc & 0x0f) == 0x01)
    return bh_cfi_uleb(p);
  if (enc & 0x70)
    *ok = 0;
  return *ok ? bh_cfi_encoded(p, enc, 0, ok) : 0;
}

int bh_lsda_covers(const struct bh_lsda *l, uintptr_t off) {
  const uint8_t *p = l->cs_at;
  uint8_t enc = *p++;
  bh_cfi_uleb(&p); /* the table's length: cs_end */
  int ok = 1;
  while (ok && p < l->cs_end) {
    uintptr_t start = cs_value(&p, enc, &ok), len = cs_value(&p, enc, &ok);
    cs_value(&p, enc, &ok); /* the landing pad */
    bh_cfi_uleb(&p);        /* the action */
    if (ok && off >= start && off - start < len)
      return 1;
  }
  return 0;
}

int bh_lsda_read(const uint8_t *lsda, struct bh_lsda *l) {
  const uint8_t *p = lsda;
  int ok = 1;
  l->lpstart_enc = *p++;
  l->lpstart = 0;
  if (l->lpstart_enc != BH_PE_OMIT) {
    if (l->lpstart_enc & BH_PE_INDIRECT)
      return -1;
    l->lpstart = bh_cfi_encoded(&p, l->lpstart_enc, 0, &ok);
  }
  l->ttype_enc = *p++;
  l->ttype = NULL;
  l->ttype_size = 0;
  if (l->ttype_enc != BH_PE_OMIT) {
    uintptr_t off = bh_cfi_uleb(&p);
    l->ttype = p + off;
    l->ttype_size = size_of(l->ttype_enc);
    if (!l->ttype_size || (l->ttype_enc & 0x70 & ~0x10))
      return -1; /* absolute or pc-relative only */
  }
  l->cs_at = p;
  uint8_t cs_enc = *p++;
  uintptr_t n = bh_cfi_uleb(&p);
  l->cs_end = p + n;
  l->actions_end = l->cs_end;
  l->types = 0;
  l->specs_end = l->ttype;
  while (ok && p < l->cs_end) {
    for (int k = 0; k < 3; k++) /* start, length, landing pad */
      if (skip_cs_value(&p, cs_enc))
        return -1;
    uintptr_t a = bh_cfi_uleb(&p);
    /* The chain from action record a - 1 (0: none). */
    const uint8_t *q = a ? l->cs_end + a - 1 : NULL;
    for (int guard = 0; q && guard < 4096; guard++) {
      intptr_t filter = bh_cfi_sleb(&q);
      const uint8_t *disp_at = q;
      intptr_t disp = bh_cfi_sleb(&q);
      if (q > l->actions_end)
        l->actions_end = q;
      if (filter > 0 && (uintptr_t)filter > l->types)
        l->types = (uintptr_t)filter;
      if (filter < 0) { /* an exception specification: type indices */
        if (!l->ttype)
          return -1;
        const uint8_t *e = l->ttype + (-filter - 1);
        for (uintptr_t i; (i = bh_cfi_uleb(&e));)
          if (i > l->types)
            l->types = i;
        if (e > l->specs_end)
          l->specs_end = e;
      }
      q = disp ? disp_at + disp : NULL;
      if (q && guard == 4095)
        return -1;
    }
  }
  if (!ok || p != l->cs_end || (l->types && !l->ttype))
    return -1;
  if (l->ttype && l->ttype - l->types * l->ttype_size < l->actions_end)
    return -1; /* the type table overlaps the actions: not a known layout */
  return 0;
}

uintptr_t bh_lsda_type(const struct bh_lsda *l, uintptr_t i, int *indirect) {
  const uint8_t *p = l->ttype - i * l->ttype_size;
  int ok = 1;
  uintptr_t v = bh_cfi_encoded(&p, l->ttype_enc, 0, &ok);
  *indirect = v && (l->ttype_enc & BH_PE_INDIRECT);
  return v;
}
