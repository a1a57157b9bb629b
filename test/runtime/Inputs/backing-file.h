/* backing-file.h - the file and offset behind an address, from
 * /proc/self/maps: where the attacks that change a start-up object's file
 * write their bytes. */
#ifndef BACKING_FILE_H
#define BACKING_FILE_H
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Fills PATH (SIZE bytes; NULL: not wanted) and *OFF for address A; 0, or
 * -1 when no file backs it. */
static int backing(uintptr_t a, char *path, size_t size, long long *off) {
  FILE *f = fopen("/proc/self/maps", "r");
  char line[4096];
  int found = 0;
  while (f && !found && fgets(line, sizeof line, f)) {
    unsigned long lo, hi;
    unsigned long long o;
    int n = 0;
    if (sscanf(line, "%lx-%lx %*s %llx %*s %*s %n", &lo, &hi, &o, &n) < 3 ||
        a < lo || a >= hi || !n)
      continue;
    if (path) {
      snprintf(path, size, "%s", line + n);
      path[strcspn(path, "\n")] = 0;
    }
    *off = (long long)(o + (a - lo));
    found = 1;
  }
  if (f)
    fclose(f);
  return found ? 0 : -1;
}
#endif
