/*
 * supervisor-own.c - pages of a file mapping made the process's own, so
 * that what the supervisor looked at is what runs (docs/hardening.md,
 * "Executable file mappings"). A private page the process has not written
 * shows every later write to its file, by anyone who may write it (root:
 * every file). Writing each page back with the bytes it holds, through
 * /proc/<pid>/mem (the kernel's forced write, as a debugger's breakpoint,
 * allowed on a private mapping that is not writable), breaks copy-on-write:
 * the page becomes an anonymous copy the file no longer reaches. Such a
 * copy costs a page of memory, not shared with other processes.
 * A truncation of the file still reaches it (the kernel unmaps copies
 * too, and the next access reads the file again): those made under the
 * filter are refused (supervisor-truncate.c); for others', the rule
 * against files the process could change stays (bh_file_changeable).
 */
#define _GNU_SOURCE
#include "syscalls.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Copies page by page; 0, or -1 (a page that cannot be read or written:
 * past its file's end, unmapped, or a shared mapping). */
static int own_range(int mem, uintptr_t lo, uintptr_t hi) {
  static unsigned char page[BH_PAGE];
  for (uintptr_t a = lo; a < hi; a += BH_PAGE)
    if (pread(mem, page, BH_PAGE, (off_t)a) != BH_PAGE ||
        pwrite(mem, page, BH_PAGE, (off_t)a) != BH_PAGE)
      return -1;
  return 0;
}

static int open_mem(pid_t tgid, pid_t tid) {
  /* The caller's memory file: the leader's is empty once it ended. */
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/task/%d/mem", (int)tgid, (int)tid);
  return open(path, O_RDWR | O_CLOEXEC);
}

int bh_own_pages(pid_t tgid, pid_t tid, uintptr_t lo, uintptr_t hi) {
  int mem = open_mem(tgid, tid);
  int r = mem < 0 || lo % BH_PAGE || hi % BH_PAGE ? -1 : own_range(mem, lo, hi);
  if (mem >= 0)
    close(mem);
  return r;
}

int bh_own_object_pages(pid_t tgid, pid_t tid, uintptr_t base) {
  uintptr_t lo, hi;
  const char *why;
  if (bh_object_file_span(tgid, base, &lo, &hi, &why))
    return -1;
  char path[64], line[4096 + 128];
  snprintf(path, sizeof path, "/proc/%d/task/%d/maps", (int)tgid, (int)tid);
  FILE *f = fopen(path, "re");
  int mem = open_mem(tgid, tid), r = f && mem >= 0 ? 0 : -1;
  while (!r && bh_read_line(line, sizeof line, f)) {
    unsigned long long a, b;
    char perms[8];
    if (sscanf(line, "%llx-%llx %7s", &a, &b, perms) != 3 || b <= lo ||
        a >= hi)
      continue;
    /* Readable, not writable, private: the pages a file may change (a
     * writable page may be the program's, changing now). */
    if (perms[0] == 'r' && perms[1] == '-' && perms[3] == 'p')
      r = own_range(mem, a < lo ? lo : (uintptr_t)a, b > hi ? hi : (uintptr_t)b);
  }
  if (f)
    fclose(f);
  if (mem >= 0)
    close(mem);
  return r;
}
