/* The attacker's knowledge of the runtime's thread-local words: their
 * offsets from the executable's symbol table (/proc/self/exe), and their
 * addresses in the calling thread found from a TLS variable of the test's
 * own (static TLS: one block, fixed offsets). What an attacker with only
 * key-0 loads and stores and a copy of the binary has. */
#ifndef BULKHEAD_TEST_TLS_WORDS_H
#define BULKHEAD_TEST_TLS_WORDS_H

#include "check.h"

#include <elf.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>

/* Calls fn for each thread-local symbol of the executable. */
static inline void
each_tls_symbol(void (*fn)(const char *name, unsigned long value,
                           unsigned long size, void *arg),
                void *arg) {
  static const unsigned char *m; /* mapped once, kept: fn may keep names */
  if (!m) {
    int fd = open("/proc/self/exe", O_RDONLY);
    CHECK(fd >= 0);
    struct stat st;
    CHECK(fstat(fd, &st) == 0);
    m = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    CHECK(m != MAP_FAILED);
    close(fd);
  }
  const Elf64_Ehdr *eh = (const void *)m;
  const Elf64_Shdr *sh = (const void *)(m + eh->e_shoff);
  for (int s = 0; s < eh->e_shnum; s++) {
    if (sh[s].sh_type != SHT_SYMTAB)
      continue;
    const Elf64_Sym *sym = (const void *)(m + sh[s].sh_offset);
    const char *str = (const char *)(m + sh[sh[s].sh_link].sh_offset);
    for (size_t k = 0; k < sh[s].sh_size / sizeof *sym; k++)
      if (ELF64_ST_TYPE(sym[k].st_info) == STT_TLS)
        fn(str + sym[k].st_name, sym[k].st_value, sym[k].st_size, arg);
  }
}

struct tls_lookup {
  const char *name;
  unsigned long value;
  int found;
};
static inline void tls_lookup_one(const char *name, unsigned long value,
                                  unsigned long size, void *arg) {
  struct tls_lookup *l = arg;
  (void)size;
  if (!strcmp(name, l->name))
    l->value = value, l->found = 1;
}

/* The symbol table's offset of thread-local symbol name; stops if none. */
static inline unsigned long tls_symbol(const char *name) {
  struct tls_lookup l = {name, 0, 0};
  each_tls_symbol(tls_lookup_one, &l);
  if (!l.found) {
    fprintf(stderr, "no thread-local symbol %s\n", name);
    exit(1);
  }
  return l.value;
}

/* Known by address and by symbol: the anchor for the others. */
__thread long tls_anchor __asm__("attack_anchor");

/* Where thread-local symbol name (its offset: value) is in this thread. */
static inline unsigned char *tls_at(unsigned long value) {
  static unsigned long anchor_value = ~0ul;
  if (anchor_value == ~0ul)
    anchor_value = tls_symbol("attack_anchor");
  uintptr_t a = (uintptr_t)&tls_anchor - anchor_value + value;
  __asm__("" : "+r"(a)); /* an address, not a pointer derived from the anchor */
  return (unsigned char *)a;
}
static inline uintptr_t *tls_word(const char *name) {
  return (uintptr_t *)tls_at(tls_symbol(name));
}
/* The same, or NULL if the executable has no such thread-local symbol (a
 * word a fix took out of memory). */
static inline uintptr_t *tls_word_if(const char *name) {
  struct tls_lookup l = {name, 0, 0};
  each_tls_symbol(tls_lookup_one, &l);
  return l.found ? (uintptr_t *)tls_at(l.value) : NULL;
}

#endif
