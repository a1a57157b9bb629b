// Review (attackA): the sharing policy's open brackets (runtime/share.c,
// then TLS bh_share_open_n / bh_share_open_sp) were key-0 memory that decides
// where a compartment's allocations come from, in every program, with or
// without a policy. The default domain finds them from the binary's symbol
// table (/proc/self/exe), opens a bracket for the vault with two plain
// stores, and calls the vault's ordinary API: the vault's new context, with
// its key copied in, is allocated from the shared heap, and the default
// domain reads the key through the opaque handle the API returned.
// The test FAILS (the secret leaks) while the brackets decide this.
// Fixed: brackets count only for compartments built with a sharing policy
// (runtime/share.c). Before: the vault's key was read.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t && %run %t
#include "Inputs/check.h"

#include <elf.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>

BULKHEAD_DATA(vault) static char master[32] = "vault master key 0123456789";

struct vault_ctx {
  char key[32];
  long uses;
};

/* An opaque handle: the caller keeps the pointer, never reads through it. */
BULKHEAD_ENTRY(vault) struct vault_ctx *vault_open(void) {
  struct vault_ctx *c = malloc(sizeof *c);
  if (c) {
    memcpy(c->key, master, sizeof c->key);
    c->uses = 0;
  }
  return c;
}

/* The attacker's only knowledge: the binary's symbol table. */
static unsigned long symbol_value(const char *name) {
  int fd = open("/proc/self/exe", O_RDONLY);
  CHECK(fd >= 0);
  struct stat st;
  CHECK(fstat(fd, &st) == 0);
  const unsigned char *m = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
  CHECK(m != MAP_FAILED);
  const Elf64_Ehdr *eh = (const void *)m;
  const Elf64_Shdr *sh = (const void *)(m + eh->e_shoff);
  for (int s = 0; s < eh->e_shnum; s++) {
    if (sh[s].sh_type != SHT_SYMTAB)
      continue;
    const Elf64_Sym *sym = (const void *)(m + sh[s].sh_offset);
    const char *str = (const char *)(m + sh[sh[s].sh_link].sh_offset);
    for (size_t k = 0; k < sh[s].sh_size / sizeof *sym; k++)
      if (!strcmp(str + sym[k].st_name, name))
        return sym[k].st_value;
  }
  fprintf(stderr, "no symbol %s\n", name);
  exit(1);
}

/* A TLS variable of the executable whose address we know, to anchor the
 * runtime's (static) TLS symbols: same TLS block, offsets from the symtab. */
__thread long anchor __asm__("review_anchor");

static void *tls_addr(const char *name) {
  uintptr_t a = (uintptr_t)&anchor - symbol_value("review_anchor") + symbol_value(name);
  __asm__("" : "+r"(a)); /* an address, not a pointer derived from anchor */
  return (void *)a;
}

int main(void) {
  int vault_key = bulkhead_compartment_pkey("vault");
  struct vault_ctx *before = vault_open();
  CHECK(before && page_pkey(before) == vault_key);

  /* The attack: forge share.c's key-0 words for compartment 0 (the vault).
   * When the brackets were key-0 TLS (bh_share_open_n, bh_share_open_sp),
   * two stores opened one that no stack position closed. */
  uintptr_t *hint = tls_addr("bh_share_hint");
  hint[0] = 1;

  struct vault_ctx *c = vault_open(); /* the program's normal API */
  hint[0] = 0;
  CHECK(c);
  int key = page_pkey(c);
  if (key != vault_key) {
    /* Read the vault's key through its opaque handle, from the default
     * domain. */
    char stolen[33] = {0};
    for (int k = 0; k < 32; k++)
      stolen[k] = ((volatile char *)c->key)[k];
    fprintf(stderr, "attacks-review-share-bracket: LEAK: the vault's context %p is on key %d: key \"%s\"\n",
            (void *)c, key, stolen);
  }
  CHECK(key == vault_key);
  printf("attacks-review-share-bracket: ok\n");
  return 0;
}
