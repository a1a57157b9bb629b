/* heap-pointers.h - for the heap attacks: the key-0 words through which
 * the default domain finds a compartment's mimalloc heap, read the way an
 * attacker would (the binary's symbol table, the loaded objects). */
#ifndef BULKHEAD_TEST_HEAP_POINTERS_H
#define BULKHEAD_TEST_HEAP_POINTERS_H
#include "check.h"
#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <sys/mman.h>
#include <sys/stat.h>

/* st_size of the executable's symbol `name` (0 if absent). */
static inline size_t symbol_size(const char *name) {
  int fd = open("/proc/self/exe", O_RDONLY);
  struct stat st;
  CHECK(fd >= 0 && fstat(fd, &st) == 0);
  const char *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
  CHECK(m != MAP_FAILED);
  const Elf64_Ehdr *eh = (const Elf64_Ehdr *)m;
  const Elf64_Shdr *sh = (const Elf64_Shdr *)(m + eh->e_shoff);
  size_t size = 0;
  for (int i = 0; i < eh->e_shnum; i++) {
    if (sh[i].sh_type != SHT_SYMTAB)
      continue;
    const Elf64_Sym *sym = (const Elf64_Sym *)(m + sh[i].sh_offset);
    const char *str = m + sh[sh[i].sh_link].sh_offset;
    for (size_t k = 0; k < sh[i].sh_size / sizeof *sym; k++)
      if (!strcmp(str + sym[k].st_name, name))
        size = sym[k].st_size;
  }
  munmap((void *)m, (size_t)st.st_size);
  close(fd);
  return size;
}

/* Whether v is an address in some mapping of the process. */
static inline int mapped(uintptr_t v) {
  FILE *f = fopen("/proc/self/maps", "r");
  CHECK(f);
  char line[512];
  int hit = 0;
  while (!hit && fgets(line, sizeof line, f)) {
    unsigned long lo, hi;
    if (sscanf(line, "%lx-%lx", &lo, &hi) == 2)
      hit = v >= lo && v < hi;
  }
  fclose(f);
  return hit;
}

/* A compartment's private copy of libmimalloc is loaded from
 * /proc/self/fd/N (a memfd "bulkhead-mimalloc"). Its TLS starts with its
 * per-thread default heap (mimalloc 2.0's _mi_heap_default), at the offset
 * from the thread pointer that its GOT holds for its TPOFF64 relocation
 * of TLS offset 0 (the GOT is readable key-0 memory). */
static inline int is_copy(const char *name) {
  return name &&
         (strstr(name, "/proc/self/fd/") || strstr(name, "bulkhead-mimalloc"));
}

/* Into *out: this thread's address of the first word of the static TLS
 * of the object info describes, from the GOT entry of its TPOFF64
 * relocation of TLS offset 0 (readable key-0 memory). */
static inline void first_tls_word(struct dl_phdr_info *info, void *out) {
  for (int j = 0; j < info->dlpi_phnum; j++) {
    if (info->dlpi_phdr[j].p_type != PT_DYNAMIC)
      continue;
    const ElfW(Rela) *rela = NULL;
    size_t n = 0;
    for (const ElfW(Dyn) *d =
             (const ElfW(Dyn) *)(info->dlpi_addr + info->dlpi_phdr[j].p_vaddr);
         d->d_tag != DT_NULL; d++) {
      uintptr_t v = d->d_un.d_ptr < info->dlpi_addr
                        ? d->d_un.d_ptr + info->dlpi_addr
                        : d->d_un.d_ptr;
      if (d->d_tag == DT_RELA)
        rela = (const ElfW(Rela) *)v;
      if (d->d_tag == DT_RELASZ)
        n = d->d_un.d_val / sizeof(ElfW(Rela));
    }
    for (size_t k = 0; rela && k < n; k++)
      if (ELF64_R_TYPE(rela[k].r_info) == R_X86_64_TPOFF64 &&
          !ELF64_R_SYM(rela[k].r_info) && rela[k].r_addend == 0) {
        char *tp;
        __asm__("movq %%fs:0, %0" : "=r"(tp));
        *(void ***)out =
            (void **)(tp + *(long *)(info->dlpi_addr + rela[k].r_offset));
      }
  }
}

/* The first copy loaded: the program's first compartment's (a hardened
 * program loads one more per reserved key after it, each sealed with that
 * key, which no domain holds). */
static int find_copy_tls(struct dl_phdr_info *info, size_t size, void *out) {
  (void)size;
  if (is_copy(info->dlpi_name) && !*(void **)out)
    first_tls_word(info, out);
  return 0;
}

/* The same word of the process-wide libmimalloc.so.2: this thread's
 * default heap of the shared heap. */
static int find_shared_tls(struct dl_phdr_info *info, size_t size, void *out) {
  (void)size;
  if (info->dlpi_name && strstr(info->dlpi_name, "libmimalloc.so") &&
      !is_copy(info->dlpi_name))
    first_tls_word(info, out);
  return 0;
}


/* This thread's copy's default-heap word (the only compartment's). */
static inline void **copy_default_heap(void) {
  void **w = NULL;
  dl_iterate_phdr(find_copy_tls, &w);
  CHECK(w);
  return w;
}

/* Every word of the runtime's per-thread heap state (__bulkhead_heap_tls)
 * that holds an address, and the copy's default heap: where this thread's
 * key-0 memory says the compartment's heap is. Returns how many. */
extern __thread char bh_heap_tls[] __asm__("__bulkhead_heap_tls")
    __attribute__((visibility("hidden")));
static inline int heap_pointers(void ***out, int max) {
  int n = 0;
  size_t size = symbol_size("__bulkhead_heap_tls");
  CHECK(size);
  for (size_t k = 0; k + sizeof(void *) <= size && n < max;
       k += sizeof(void *)) {
    void **w = (void **)(bh_heap_tls + k);
    if (mapped((uintptr_t)*w))
      out[n++] = w;
  }
  if (n < max)
    out[n++] = copy_default_heap();
  return n;
}

/* mimalloc 2.0's page, as far as its malloc fast path reads it (free at
 * 16, used at 24); a heap's pages_free_direct[(n + 7) / 8] is at
 * 8 + 8 * index. */
struct fake_page {
  char head[16];
  void *free;
  unsigned used, xblock_size;
  char rest[64];
};

#endif
