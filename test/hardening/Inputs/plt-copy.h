/* plt-copy.h - find_copy, for dl_iterate_phdr: the word libc's PLT jump
 * through f->slot (a GOT slot of libc's, e.g. got_slot("libc.so.6",
 * "realloc")) reads now, in f->copy. The jump is found in libc's file, as
 * a reader of the binary would, as the one that read that slot; the
 * hardened runtime points it at a copy. */
#ifndef BULKHEAD_TEST_PLT_COPY_H
#define BULKHEAD_TEST_PLT_COPY_H
#include <fcntl.h>
#include <link.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct find {
  uintptr_t slot, copy;
};

static int find_copy(struct dl_phdr_info *info, size_t size, void *arg) {
  (void)size;
  struct find *f = arg;
  if (!strstr(info->dlpi_name, "libc.so.6"))
    return 0;
  int fd = open(info->dlpi_name, O_RDONLY);
  for (int i = 0; fd >= 0 && i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_X))
      continue;
    unsigned char *file = malloc(ph->p_filesz);
    if (!file || pread(fd, file, ph->p_filesz, (off_t)ph->p_offset) !=
                     (ssize_t)ph->p_filesz)
      break;
    uintptr_t at = info->dlpi_addr + ph->p_vaddr;
    for (size_t k = 0; k + 6 <= ph->p_filesz; k++) {
      int32_t was, now;
      memcpy(&was, file + k + 2, 4);
      if (file[k] != 0xff || file[k + 1] != 0x25 ||
          at + k + 6 + (uintptr_t)(intptr_t)was != f->slot)
        continue;
      memcpy(&now, (const void *)(at + k + 2), 4);
      f->copy = at + k + 6 + (uintptr_t)(intptr_t)now;
    }
    free(file);
  }
  if (fd >= 0)
    close(fd);
  return 1;
}
#endif
