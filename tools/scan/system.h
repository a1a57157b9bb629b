/* system.h: known system gadgets (glibc's pkey_set WRPKRU, ld.so's
 * lazy-binding XRSTOR), recognised by what they are, never by address. */
#ifndef BULKHEAD_SYSTEM_H
#define BULKHEAD_SYSTEM_H

#include "scan.h"
#include "where.h"

enum syslib { SYSLIB_NONE, SYSLIB_LIBC, SYSLIB_LDSO };

/* Which known system library ELF is: an x86-64 shared object whose
 * DT_SONAME is libc.so.6 or ld-linux-x86-64.so.2. */
enum syslib system_library(Elf *elf);

/* The hit of KIND at ADDR, in code CODE[0..LEN) mapped at BASE, of library
 * LIB: if it is that library's known gadget, returns its category
 * ("system: glibc pkey_set") and writes the evidence to WHY; else NULL. */
const char *system_gadget(enum syslib lib, Elf *elf, const struct where *w, struct classifier *cl, const uint8_t *code,
                          size_t len, uint64_t base, uint64_t addr, enum pkind kind, char *why, size_t n);

#endif
