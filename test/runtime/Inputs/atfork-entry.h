/* atfork-entry.h - the runtime's entry in glibc's list of atfork handlers
 * (key-0 memory in libc's writable mappings: its data and the anonymous
 * .bss after it), found as a key-0 reader would: the words {prepare,
 * parent, child, dso_handle the executable's} (runtime/fork.c registers
 * all three). NULL if not found. */
#ifndef BULKHEAD_TEST_ATFORK_ENTRY_H
#define BULKHEAD_TEST_ATFORK_ENTRY_H
#include <stdint.h>
#include <stdio.h>
#include <string.h>

extern void *__dso_handle;

static uintptr_t *find_handler(void) {
  FILE *f = fopen("/proc/self/maps", "r");
  char line[512];
  int after_libc = 0;
  uintptr_t *found = NULL;
  while (f && !found && fgets(line, sizeof line, f)) {
    uintptr_t lo, hi;
    char perms[8];
    if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) != 3)
      continue;
    int libc = strstr(line, "/libc.so") != NULL;
    int anon = !strchr(line, '/') && !strchr(line, '[');
    if (!strcmp(perms, "rw-p") && (libc || (anon && after_libc)))
      for (uintptr_t *w = (uintptr_t *)lo; w + 4 <= (uintptr_t *)hi; w++)
        if (w[0] && w[1] && w[2] && w[3] == (uintptr_t)&__dso_handle) {
          found = w;
          break;
        }
    after_libc = libc;
  }
  if (f)
    fclose(f);
  return found;
}

#endif
