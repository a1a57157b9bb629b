/* rev41-xonly-lib.c - a plain start-up library whose constructor makes
 * code before main, at the end of its own executable pages: C, its last
 * executable page, becomes an anonymous page ending in 0F 01, mapped
 * PROT_EXEC alone (maps: "--xp"), and U, the page after (its .eh_frame,
 * which nothing reads), an anonymous r-x page starting with EF C3
 * (WRPKRU's last byte, then ret). With every protection key taken (the
 * runtime takes all it can at start-up; the loop below takes any left),
 * the kernel has no key for execute-only memory and C stays readable.
 * Neither page holds a whole PKRU write; the joint bytes at rev41_split
 * are one. -DREADABLE: C is r-x, the control. Built with -nostartfiles
 * (no .fini in C); the constructor lives in .text.startup, before the
 * pad that fills C. */
#define _GNU_SOURCE
#include <link.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

unsigned char *rev41_split; /* C's last two bytes, or NULL */
static volatile unsigned char ef = 0xe0; /* no whole WRPKRU in this file */

/* The end of .text: three pages of int3, the last one C. */
__asm__(".text\n.balign 4096\nrev41_pad:\n.skip 12288, 0xcc\n");

/* The end of this library's executable pages, in *arg. */
__attribute__((section(".text.startup"))) static int
exec_end(struct dl_phdr_info *info, size_t size, void *arg) {
  (void)size;
  uintptr_t *hi = arg, me = (uintptr_t)&exec_end;
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    uintptr_t lo = info->dlpi_addr + ph->p_vaddr;
    if (ph->p_type == PT_LOAD && (ph->p_flags & PF_X) && lo <= me &&
        me < lo + ph->p_memsz)
      *hi = (lo + ph->p_memsz + 4095) & ~(uintptr_t)4095;
  }
  return 0;
}

__attribute__((constructor, section(".text.startup"))) static void
make_code(void) {
  uintptr_t hi = 0;
  dl_iterate_phdr(exec_end, &hi);
  unsigned char *c = (unsigned char *)hi - 4096, *u = (unsigned char *)hi;
  if (!hi || (uintptr_t)&make_code >= (uintptr_t)c)
    return;
  long keys[16];
  int n = 0;
  while (n < 16 && (keys[n] = syscall(SYS_pkey_alloc, 0, 0)) >= 0)
    n++;
  if (mmap(c, 8192, PROT_READ | PROT_WRITE,
           MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != c)
    return;
  memset(c, 0xcc, 8192);
  c[4094] = 0x0f, c[4095] = 0x01;
  u[0] = (unsigned char)(ef | 0x0f), u[1] = 0xc3;
#ifdef READABLE
  madvise(u, 4096, MADV_DONTFORK); /* two mappings, not one merged */
  int cprot = PROT_READ | PROT_EXEC;
#else
  int cprot = PROT_EXEC;
#endif
  if (mprotect(u, 4096, PROT_READ | PROT_EXEC) || mprotect(c, 4096, cprot))
    return;
  while (n > 0)
    syscall(SYS_pkey_free, keys[--n]);
  rev41_split = c + 4094;
}
