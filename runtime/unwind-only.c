/*
 * unwind-only.c - start-up: libgcc_s.so.1 is the only unwinder among the
 * loaded objects (review 30b).
 *
 * The runtime stands between a compartment's throw and key-0 unwind
 * records only inside libgcc_s: its PLT jump to _Unwind_Find_FDE leads to
 * the runtime's lookup (unwind-find.c), which answers copies that name no
 * writable word (unwind-copy.c). Another unwinder loaded before it (LLVM's
 * libunwind.so.1, needed by the program or indirectly by libc++abi.so.1)
 * has its own _Unwind_RaiseException, which libstdc++'s __cxa_throw then
 * calls: it finds FDEs through ld.so's key-0 link maps and follows each
 * CIE's personality word itself, with the compartment's rights
 * (runtime/attacks-rev30-llvm-libunwind.test). So the program stops if any
 * loaded object but libgcc_s.so.1 and the program itself (whose own copy
 * of libgcc's unwinder bulkhead-clang refuses after the link) defines
 * _Unwind_RaiseException in its dynamic symbol table. Read from each
 * object's hash table in memory, before any of the program's code runs
 * (no dlopen, no dlsym: it gives only the first definition; no file), and
 * again when the system-call filter is installed, for objects start-up
 * libraries' constructors loaded. One loaded by a later dlopen is not
 * checked (docs/threat-model.md: open).
 */
#define _GNU_SOURCE
#include "internal.h"

#include <elf.h>
#include <link.h>
#include <string.h>

static const char name[] = "_Unwind_RaiseException";

static uint32_t gnu_hash(const char *s) {
  uint32_t h = 5381;
  for (; *s; s++)
    h = h * 33 + (uint8_t)*s;
  return h;
}

static uint32_t sysv_hash(const char *s) {
  uint32_t h = 0;
  for (; *s; s++) {
    h = (h << 4) + (uint8_t)*s;
    uint32_t g = h & 0xf0000000u;
    h ^= g >> 24;
    h &= ~g;
  }
  return h;
}

/* Whether dynamic symbol I is a definition of name. */
static int defines(const ElfW(Sym) *sym, const char *str, uint32_t i) {
  return sym[i].st_shndx != SHN_UNDEF && !strcmp(str + sym[i].st_name, name);
}

/* Whether the object defines name, from its DT_GNU_HASH (else DT_HASH). */
static int object_defines(const struct dl_phdr_info *info) {
  const ElfW(Dyn) *dyn = NULL;
  for (int i = 0; i < info->dlpi_phnum; i++)
    if (info->dlpi_phdr[i].p_type == PT_DYNAMIC)
      dyn = (const ElfW(Dyn) *)(info->dlpi_addr + info->dlpi_phdr[i].p_vaddr);
  if (!dyn)
    return 0;
  const ElfW(Sym) *sym = NULL;
  const char *str = NULL;
  const uint32_t *gnu = NULL, *sysv = NULL;
  for (; dyn->d_tag != DT_NULL; dyn++) {
    /* ld.so has relocated these in place, except the vDSO's (as heap.c) */
    uintptr_t v = dyn->d_un.d_ptr < info->dlpi_addr
                      ? dyn->d_un.d_ptr + info->dlpi_addr
                      : dyn->d_un.d_ptr;
    if (dyn->d_tag == DT_SYMTAB)
      sym = (const ElfW(Sym) *)v;
    else if (dyn->d_tag == DT_STRTAB)
      str = (const char *)v;
    else if (dyn->d_tag == DT_GNU_HASH)
      gnu = (const uint32_t *)v;
    else if (dyn->d_tag == DT_HASH)
      sysv = (const uint32_t *)v;
  }
  if (!sym || !str)
    return 0;
  if (gnu) { /* nbuckets, symoffset, bloom words, shift; bloom; buckets; chains */
    uint32_t nb = gnu[0], first = gnu[1], h = gnu_hash(name);
    const uint32_t *buckets =
        (const uint32_t *)((const ElfW(Addr) *)(gnu + 4) + gnu[2]);
    const uint32_t *chain = buckets + nb;
    uint32_t i = nb ? buckets[h % nb] : 0;
    if (i < first)
      return 0;
    for (;; i++) {
      uint32_t c = chain[i - first];
      if ((c | 1) == (h | 1) && defines(sym, str, i))
        return 1;
      if (c & 1)
        return 0;
    }
  }
  if (sysv) { /* nbucket, nchain; buckets; chains */
    uint32_t nb = sysv[0];
    const uint32_t *chain = sysv + 2 + nb;
    for (uint32_t i = nb ? sysv[2 + sysv_hash(name) % nb] : 0; i; i = chain[i])
      if (defines(sym, str, i))
        return 1;
  }
  return 0;
}

static int check(struct dl_phdr_info *info, size_t size, void *arg) {
  (void)size;
  int *first = arg;
  const char *path = info->dlpi_name ? info->dlpi_name : "";
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  if (*first) { /* the program, always first in ld.so's list */
    *first = 0;
    return 0;
  }
  if (strcmp(base, "libgcc_s.so.1") && object_defines(info))
    bh_fatal("%s defines _Unwind_RaiseException: an unwinder other than "
             "libgcc_s.so.1 (LLVM's libunwind?) would follow key-0 unwind "
             "records with a compartment's rights; link without it "
             "(docs/threat-model.md)",
             *path ? path : "a loaded object");
  return 0;
}

void bh_unwinder_only_libgcc(void) {
  int first = 1;
  dl_iterate_phdr(check, &first);
}
