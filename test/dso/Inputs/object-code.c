/* Judges mappings of a shared object with compartments (argv[1]) as the
 * supervisor will before it lets the object's code become executable
 * (docs/shared-objects.md, step 6, piece 6; runtime/object-file.c,
 * bh_object_file_code): the object mapped as ld.so maps it, then each case
 * changes one thing and asks again for the marked segment's pages. */
#include "../../../runtime/internal.h"

#include <stdio.h>

#include "map-object.h"

/* The pages, [*lo, *hi), of the file's marked segment (CODE) or of its
 * last read-only unmarked one (.rodata, after the headers' first). */
static void pages(const char *path, int code, uintptr_t *lo, uintptr_t *hi) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  Elf64_Ehdr eh;
  Elf64_Phdr ph[32];
  read_headers(fd, &eh, ph);
  close(fd);
  *lo = *hi = 0;
  for (int i = 0; i < eh.e_phnum; i++)
    if (ph[i].p_type == PT_LOAD &&
        (code ? ph[i].p_flags & BH_PF_EXEC_AFTER_REGISTRATION
              : !(ph[i].p_flags & (PF_W | BH_PF_EXEC_AFTER_REGISTRATION))) &&
        !(code && *hi))
      load_pages(&ph[i], lo, hi);
  if (!*hi || *lo == base)
    exit(3);
}

static void ask(const char *what, uintptr_t b, uintptr_t lo, uintptr_t hi) {
  const char *why = "";
  int r = bh_object_file_code(getpid(), b, lo, hi, &why);
  printf("%s: %d%s%s\n", what, r, r ? ", " : "", r ? why : "");
}

int main(int argc, char **argv) {
  if (argc < 2)
    return 2;
  map_object(argv[1]);
  uintptr_t lo, hi;
  pages(argv[1], 1, &lo, &hi);
  printf("code of %zu pages\n", (size_t)(hi - lo) / 4096);
  ask("as mapped", base, lo, hi);
  ask("a page less", base, lo, hi - 4096);
  ask("a page more", base, lo, hi + 4096);
  ask("a page before", base, lo - 4096, hi);
  ask("its data", base, desc, desc + 4096);
  /* the file's first page mapped again elsewhere, as another base */
  int fd = open(argv[1], O_RDONLY | O_CLOEXEC);
  char *b2 = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
  ask("another base", (uintptr_t)b2, lo - base + (uintptr_t)b2,
      hi - base + (uintptr_t)b2);
  /* the last code page writable: its bytes may change after the look */
  char *last = (char *)hi - 4096;
  mprotect(last, 4096, PROT_READ | PROT_WRITE);
  ask("a page writable", base, lo, hi);
  static char copy[4096];
  memcpy(copy, last, sizeof copy);
  /* one byte changed, read-only again: a private copy, not the file's */
  last[0] = (char)~copy[0];
  mprotect(last, 4096, PROT_READ);
  ask("a byte changed", base, lo, hi);
  /* put back: a private copy that holds the file's bytes, which nothing
   * can change once the object's filter protects it */
  mprotect(last, 4096, PROT_READ | PROT_WRITE);
  last[0] = copy[0];
  mprotect(last, 4096, PROT_READ);
  ask("the byte put back", base, lo, hi);
  /* the same bytes in an anonymous page */
  if (mmap(last, 4096, PROT_READ | PROT_WRITE,
           MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != last)
    return 3;
  memcpy(last, copy, sizeof copy);
  mprotect(last, 4096, PROT_READ);
  ask("an anonymous copy", base, lo, hi);
  /* mapped afresh, then the file's first page over its first code page:
   * the same file, readable only, at another offset */
  map_object(argv[1]);
  pages(argv[1], 1, &lo, &hi);
  ask("mapped afresh", base, lo, hi);
  if (mmap((void *)lo, 4096, PROT_READ, MAP_PRIVATE | MAP_FIXED, fd, 0) !=
      (void *)lo)
    return 3;
  ask("another page of the file", base, lo, hi);
  /* read-only data (review 14b): its last page, as the code's above */
  map_object(argv[1]);
  pages(argv[1], 1, &lo, &hi);
  uintptr_t rlo, rhi;
  pages(argv[1], 0, &rlo, &rhi);
  char *ro = (char *)rhi - 4096;
  mprotect(ro, 4096, PROT_READ | PROT_WRITE);
  ask("read-only data writable", base, lo, hi);
  memcpy(copy, ro, sizeof copy);
  ro[0] = (char)~copy[0];
  mprotect(ro, 4096, PROT_READ);
  ask("a read-only data byte changed", base, lo, hi);
  mprotect(ro, 4096, PROT_READ | PROT_WRITE);
  ro[0] = copy[0];
  mprotect(ro, 4096, PROT_READ);
  ask("the read-only byte put back", base, lo, hi);
  /* the code executable already: only another marked segment may be */
  mprotect((void *)lo, hi - lo, PROT_READ | PROT_EXEC);
  ask("the code executable already", base, lo, hi);
  return 0;
}
