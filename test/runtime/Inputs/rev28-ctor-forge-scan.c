/* attacks-rev28-scan-record.c: a plain start-up library whose constructor
 * runs after the runtime's first gadget scan (.preinit_array) and before
 * the filter's second one (the program's constructor 103). With "forge"
 * it first stores a large count into the runtime's record of what the
 * first scan covered (gadgets.c `scanned`, key-0 .bss; its offset in the
 * program read from the file named after it, made with llvm-nm): one
 * key-0 store, as any thread of a start-up library could make. Then it
 * loads LATE into the global scope, as plugin loaders do. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int program_base(struct dl_phdr_info *info, size_t size, void *arg) {
  (void)size;
  *(uintptr_t *)arg = info->dlpi_addr; /* the program comes first */
  return 1;
}

__attribute__((constructor)) static void forge_then_load(int argc,
                                                         char **argv) {
  if (argc > 2 && !strcmp(argv[1], "forge")) {
    FILE *f = fopen(argv[2], "r");
    unsigned long off = 0;
    uintptr_t base = 0;
    if (!f || fscanf(f, "%lx", &off) != 1 || !off)
      printf("no offset for the scan record\n");
    else {
      dl_iterate_phdr(program_base, &base);
      *(size_t *)(base + off) = 1000; /* the one store */
      printf("scan record forged\n");
    }
    if (f)
      fclose(f);
  }
  if (!dlopen(LATE, RTLD_NOW | RTLD_GLOBAL))
    printf("dlopen of " LATE " failed: %s\n", dlerror());
  fflush(stdout);
}
