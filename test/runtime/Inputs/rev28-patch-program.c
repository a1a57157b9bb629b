/* attacks-rev28-program-patched.c: a plain start-up library that patches
 * the program's code in its constructor, as hooking and instrumentation
 * libraries do (made writable, written, made executable again; never
 * both at once), before the runtime's walks of /proc/self/maps. It
 * writes WRPKRU; RET (bytes made at run time: the library's own code
 * holds none) into the zeros past the end of the program's code on its
 * last page, and says where. */
#define _GNU_SOURCE
#include <elf.h>
#include <link.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>

void *rev28_patched; /* where the patch is */
static volatile unsigned char op = 0xee;

static int patch(struct dl_phdr_info *info, size_t size, void *arg) {
  (void)size, (void)arg;
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_X))
      continue;
    uintptr_t end = info->dlpi_addr + ph->p_vaddr + ph->p_memsz;
    uintptr_t page = end & ~(uintptr_t)4095;
    if ((end & 4095) == 0 || (end & 4095) > 4096 - 16)
      continue; /* no room on the last page */
    unsigned char *at = (unsigned char *)((end + 15) & ~(uintptr_t)15);
    if (mprotect((void *)page, 4096, PROT_READ | PROT_WRITE))
      return 1;
    at[0] = 0x0f, at[1] = 0x01, at[2] = (unsigned char)(op + 1), at[3] = 0xc3;
    if (!mprotect((void *)page, 4096, PROT_READ | PROT_EXEC))
      rev28_patched = at;
  }
  return 1; /* the program only: it comes first */
}

__attribute__((constructor)) static void patch_program(void) {
  dl_iterate_phdr(patch, NULL);
}
