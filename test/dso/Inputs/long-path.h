/* long-path.h - paths long enough to forge lines of /proc/<pid>/maps and
 * smaps past a reader's line buffer (review 13b's attacks): directories
 * padded so that a chosen name starts at a chosen offset of the line. */
#ifndef BULKHEAD_TEST_LONG_PATH_H
#define BULKHEAD_TEST_LONG_PATH_H

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The column where a mapping's path starts in /proc/self/maps. */
static int path_column(void) {
  FILE *f = fopen("/proc/self/maps", "r");
  char *line = NULL;
  size_t cap = 0;
  int col = -1;
  while (f && col < 0 && getline(&line, &cap, f) > 0) {
    char *p = strchr(line, '/');
    if (p)
      col = (int)(p - line);
  }
  free(line);
  if (f)
    fclose(f);
  return col;
}

/* Directories below dir so that, with col header bytes before the path,
 * the next component starts at line offset `at`; returns the descriptor
 * of the last one. *len is the path's length so far. */
static int pad_to(int dir, size_t *len, int col, size_t at) {
  while (col + *len < at) {
    size_t need = at - (col + *len); /* bytes, the '/' included */
    /* components of 2..256 bytes with their '/': never leave 1 byte */
    size_t n = need <= 256 ? need - 1 : need - 201 >= 2 ? 200 : 150;
    if (need < 2)
      return -1;
    char name[256];
    memset(name, 'd', n);
    name[n] = 0;
    mkdirat(dir, name, 0700); /* or it exists: the openat says */
    int next = openat(dir, name, O_PATH | O_DIRECTORY | O_CLOEXEC);
    close(dir);
    if (next < 0)
      return -1;
    dir = next;
    *len += n + 1;
  }
  return col + *len == at ? dir : -1;
}

#endif
