/* rev18-dlopen-data-app.c - the default domain (root) dlopens the vault
 * object (argv[1]), which registers its compartment, then writes the
 * object's file over the vault's data, and asks the vault whether its
 * data is still its own (attacks-rev18-dlopen-data.test). argv[2], if
 * given, drops the data's copy first: "advise" (MADV_DONTNEED on its
 * page) or "truncate" (the file emptied, then written back whole). */
#define _GNU_SOURCE
#include <bulkhead.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* A compartment of the program's own: a hardened program with keys. */
BULKHEAD_DATA(local) static int local_secret = 7;
BULKHEAD_ENTRY(local) int local_get(void) { return local_secret; }

static long off = -1;
static int find(struct dl_phdr_info *info, size_t size, void *arg) {
  (void)size;
  uintptr_t a = (uintptr_t)arg;
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    uintptr_t lo = info->dlpi_addr + ph->p_vaddr;
    if (ph->p_type == PT_LOAD && a >= lo && a < lo + ph->p_filesz) {
      off = (long)(a - lo + ph->p_offset);
      return 1;
    }
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 2)
    return 2;
  printf("local: %d\n", local_get());
  void *h = dlopen(argv[1], RTLD_NOW);
  if (!h) {
    printf("dlopen refused: %s\n", dlerror());
    return 2;
  }
  const void *(*address)(void) = (const void *(*)(void))dlsym(h, "vault_pin_address");
  int (*intact)(void) = (int (*)(void))dlsym(h, "vault_pin_intact");
  if (!address || !intact)
    return 2;
  printf("vault registered with key: %d\n", bulkhead_compartment_pkey("vault") > 0);
  printf("vault's data intact before: %d\n", intact());
  dl_iterate_phdr(find, (void *)address());
  int w = open(argv[1], O_WRONLY);
  printf("vault object opened for writing: %d (%s), data at file offset: %d\n",
         w >= 0, w < 0 ? strerror(errno) : "-", off >= 0);
  const char pin[] = "the attacker's PIN 0000000";
  static char file[1 << 20];
  int r = open(argv[1], O_RDONLY);
  ssize_t size = r < 0 ? -1 : read(r, file, sizeof file);
  if (size <= 0 || off < 0 || off + (long)sizeof pin > size)
    return 2;
  memcpy(file + off, pin, sizeof pin);
  const char *mode = argc > 2 ? argv[2] : "write";
  fflush(stdout);
  if (!strcmp(mode, "advise")) {
    void *page = (void *)((uintptr_t)address() & ~(uintptr_t)4095);
    printf("advised away: %d\n", madvise(page, 4096, MADV_DONTNEED));
  } else if (!strcmp(mode, "truncate")) {
    printf("truncated: %d\n", w >= 0 ? ftruncate(w, 0) : -1);
  }
  fflush(stdout);
  if (w >= 0 && pwrite(w, file, (size_t)size, 0) != size)
    printf("setup: %s\n", strerror(errno));
  fflush(stdout);
  int ok = intact();
  printf(ok ? "attack failed: the vault's data is its own\n"
            : "ATTACK SUCCEEDED: the vault's data is the attacker's\n");
  return 0;
}
