/* Review 19: runtime/maps.c's bh_each_map, the one reader of
 * /proc/<pid>/maps lines since commit 94581d3, against names a program
 * chooses (attacker model B: mkdir, open, mmap): a file name holding a
 * newline and a whole forged line, a path long enough that its tail
 * falls past the reader's cut (4223 bytes), beginning with a forged line,
 * and a name ending in " (deleted)". Each forged line claims the range
 * FORGED; the reader must never report a mapping there, and must report
 * the three real mappings with their true inode. Natively. */
#define _GNU_SOURCE
#include "../../../runtime/internal.h"

#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "long-path.h"

#define FORGED "7f0000000000-7f0000001000 r--p 00000000 08:01 1 "

struct seen {
  int forged, real;
  unsigned long long ino[3];
};

static int each(const struct bh_map *m, void *ctx) {
  struct seen *s = ctx;
  if (m->lo == 0x7f0000000000ull)
    s->forged++;
  for (int i = 0; i < 3; i++)
    if (s->ino[i] && m->ino == s->ino[i])
      s->real++, s->ino[i] = 0;
  return 0;
}

/* Maps the file dir/name, 4096 bytes; its inode, or 0. */
static unsigned long long map_file(int dir, const char *name) {
  int f = openat(dir, name, O_CREAT | O_RDWR | O_CLOEXEC, 0600);
  struct stat st;
  if (f < 0 || ftruncate(f, 4096) || fstat(f, &st))
    return 0;
  void *m = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, f, 0);
  close(f);
  return m == MAP_FAILED ? 0 : (unsigned long long)st.st_ino;
}

int main(void) {
  struct seen s = {0};
  char top[4096];
  if (!getcwd(top, sizeof top - 32))
    return 2;
  int here = open(top, O_PATH | O_DIRECTORY | O_CLOEXEC);
  /* A newline and a forged line in a file's name. */
  s.ino[0] = map_file(here, "nl\n" FORGED "x");
  /* A name that says it was deleted. */
  s.ino[1] = map_file(here, "gone (deleted)");
  /* A forged line where the reader cuts a long path. */
  int col = path_column();
  strcat(top, "/rev19-maps");
  mkdir(top, 0700);
  int dir = open(top, O_PATH | O_DIRECTORY | O_CLOEXEC);
  size_t len = strlen(top) + 1;
  dir = col < 0 || dir < 0 ? -1 : pad_to(dir, &len, col, 4096 + 128 - 1);
  if (dir >= 0) {
    mkdirat(dir, FORGED "h", 0700);
    int d = openat(dir, FORGED "h", O_PATH | O_DIRECTORY | O_CLOEXEC);
    s.ino[2] = d < 0 ? 0 : map_file(d, "f");
  }
  if (!s.ino[0] || !s.ino[1] || !s.ino[2]) {
    puts("cannot map the three files");
    return 2;
  }
  int r = bh_each_map("/proc/self/maps", each, &s);
  printf("read: %d, real mappings found: %d of 3, forged lines taken: %d\n", r,
         s.real, s.forged);
  if (s.forged)
    puts("ATTACK SUCCEEDED: a forged line was read as a mapping");
  return s.forged || s.real != 3;
}
