/* attacks-review14b-got.test, -shared-data.test: a library without compartments that the
 * vault object needs. ld.so relocates both (and makes their RELRO
 * read-only) before it runs this constructor, and runs it before the
 * vault's first .init_array entry, its registration. Default-domain code
 * (attacker model B; a second thread could act in the same window, as in
 * attacks-early-gate.test, not tried here):
 * it finds the vault object's GOT slot of strcmp, still outside any
 * filter's ranges, makes its page writable with a plain mprotect, points
 * the slot at libc's strcpy and makes the page read-only again.
 * With "shared-data" among the program's arguments it instead puts the page of the vault's
 * data (its exported key) on a memfd mapped shared, with a second view of
 * that memfd in key-0 memory (review14b_spy): if the key went onto the
 * shared page, the default domain would read the vault's data there.
 * With "rodata" it rewrites the vault's password, a constant in its
 * read-only data (attacks-review14b-rodata.test). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <elf.h>
#include <link.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "got-slot.h"

void *review14b_spy;

/* The vault's password in its read-only segments (readable, never
 * writable), rewritten through a plain mprotect. */
static int rewrite_rodata(struct dl_phdr_info *info, size_t size, void *arg) {
  (void)size, (void)arg;
  if (!info->dlpi_name || !strstr(info->dlpi_name, "review14b-rodata-vault"))
    return 0;
  static const char was[] = "open-sesame", now[] = "let-me-in!!";
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    if (ph->p_type != PT_LOAD || ph->p_flags & PF_W)
      continue;
    char *lo = (char *)(info->dlpi_addr + ph->p_vaddr);
    char *at = memmem(lo, ph->p_filesz, was, sizeof was);
    if (!at)
      continue;
    uintptr_t lo_page = (uintptr_t)at & ~(uintptr_t)4095;
    size_t len = (((uintptr_t)at + sizeof was + 4095) & ~(uintptr_t)4095) -
                 lo_page;
    void *page = (void *)lo_page;
    if (mprotect(page, len, PROT_READ | PROT_WRITE)) {
      perror("dep: mprotect of the vault's read-only data refused");
      fflush(stderr);
      return 1;
    }
    memcpy(at, now, sizeof now);
    mprotect(page, len, PROT_READ);
    puts("dep: the vault's password rewritten in its read-only data");
    fflush(stdout);
    return 1;
  }
  puts("dep: the vault's password not found");
  fflush(stdout);
  return 1;
}

static void share_data(void) {
  uintptr_t key = got_object_symbol("review14b-got-vault", "review14b_key");
  if (!key) {
    puts("dep: the vault's key not found");
    fflush(stdout);
    return;
  }
  void *page = (void *)(key & ~(uintptr_t)4095);
  int fd = memfd_create("review14b", 0);
  if (fd < 0 || write(fd, page, 4096) != 4096) {
    perror("dep: memfd");
    return;
  }
  review14b_spy = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (review14b_spy == MAP_FAILED ||
      mmap(page, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0) !=
          page) {
    perror("dep: mmap of the memfd over the vault's data refused");
    fflush(stderr);
    review14b_spy = NULL;
    return;
  }
  review14b_spy = (char *)review14b_spy + (key - (uintptr_t)page);
  puts("dep: the vault's data page is now a shared memfd page");
  fflush(stdout);
}

/* Whether the program was given the argument MODE. */
static int mode_is(const char *mode) {
  char buf[4096];
  FILE *f = fopen("/proc/self/cmdline", "r");
  size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
  if (f)
    fclose(f);
  buf[n] = 0;
  for (size_t i = 0; i < n; i += strlen(buf + i) + 1)
    if (!strcmp(buf + i, mode))
      return 1;
  return 0;
}

__attribute__((constructor)) static void redirect(void) {
  if (mode_is("shared-data")) {
    share_data();
    return;
  }
  if (mode_is("rodata")) {
    dl_iterate_phdr(rewrite_rodata, NULL);
    return;
  }
  /* "malloc": the vault's malloc slot at the default domain's allocator,
     so that its heap blocks land in key-0 memory. */
  int heap = mode_is("malloc");
  void *to = heap ? dlsym(RTLD_DEFAULT, "mi_malloc") : (void *)&strcpy;
  uintptr_t *slot =
      (uintptr_t *)got_slot("review14b-got-vault", heap ? "malloc" : "strcmp");
  if (!slot) {
    puts("dep: no GOT slot found in the vault object");
    fflush(stdout);
    return;
  }
  void *page = (void *)((uintptr_t)slot & ~(uintptr_t)4095);
  if (mprotect(page, 4096, PROT_READ | PROT_WRITE)) {
    perror("dep: mprotect of the vault's GOT refused");
    fflush(stderr);
    return;
  }
  *slot = (uintptr_t)to;
  mprotect(page, 4096, PROT_READ);
  puts(heap ? "dep: the vault's GOT slot of malloc now points at mi_malloc"
            : "dep: the vault's GOT slot of strcmp now points at strcpy");
  fflush(stdout);
}
int review14b_dep_ready(void) { return 1; }
