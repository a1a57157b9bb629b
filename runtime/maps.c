/* maps.c - /proc files line by line, from a stdio stream or (start-up
 * reads them too) a descriptor, and the kernel's list of a process's
 * mappings (/proc/<pid>/maps, or a thread's /proc/<pid>/task/<tid>/maps)
 * one parsed line at a time. Needs nothing else of the runtime:
 * test/dso/object-code.test links it with object-file.c alone. */
#define _GNU_SOURCE
#include "internal.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

char *bh_read_line(char *buf, int size, FILE *f) {
  if (!fgets(buf, size, f))
    return NULL;
  if (!strchr(buf, '\n'))
    for (int c; (c = fgetc(f)) != EOF && c != '\n';) {
    }
  return buf;
}

int bh_each_line(int fd, char *line, size_t cap,
                 int (*each)(char *line, void *ctx), void *ctx) {
  char buf[4096];
  size_t n = 0;
  ssize_t k;
  while ((k = read(fd, buf, sizeof buf)) > 0)
    for (ssize_t i = 0; i < k; i++) {
      if (buf[i] != '\n') {
        if (n < cap - 1)
          line[n++] = buf[i];
        continue;
      }
      line[n] = 0, n = 0;
      int r = each(line, ctx);
      if (r)
        return r;
    }
  return 0;
}

struct map_walk {
  int (*each)(const struct bh_map *m, void *ctx);
  void *ctx;
};

static int map_line(char *line, void *arg) {
  struct map_walk *w = arg;
  struct bh_map m;
  int name = 0;
  if (sscanf(line, "%llx-%llx %7s %llx %x:%x %llu %n", &m.lo, &m.hi, m.perms,
             &m.off, &m.maj, &m.min, &m.ino, &name) != 7)
    return 0;
  m.path = name ? line + name : "";
  return w->each(&m, w->ctx);
}

int bh_each_map(const char *path, int (*each)(const struct bh_map *m, void *ctx),
                void *ctx) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  /* A line longer than this is cut (bh_each_line): the rest of a long
   * path is never read as a line of its own (review 13b). */
  char line[4096 + 128];
  struct map_walk w = {each, ctx};
  int r = bh_each_line(fd, line, sizeof line, map_line, &w);
  close(fd);
  return r;
}
