/* rev16-data-app.c - the default domain (root, or the owner of a build
 * tree's library) writes the vault object's file over the vault's data
 * (attacks-rev16-file-data.test). */
#define _GNU_SOURCE
#include <bulkhead.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

const void *vault_pin_address(void);
int vault_pin_intact(void);

static long off = -1;
static int find(struct dl_phdr_info *info, size_t size, void *arg) {
  (void)size;
  uintptr_t a = (uintptr_t)arg;
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    uintptr_t lo = info->dlpi_addr + ph->p_vaddr;
    if (ph->p_type == PT_LOAD && a >= lo && a < lo + ph->p_filesz) {
      off = (long)(a - lo + ph->p_offset);
      return 1;
    }
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 2)
    return 2;
  printf("vault's data intact before: %d\n", vault_pin_intact());
  dl_iterate_phdr(find, (void *)vault_pin_address());
  int w = open(argv[1], O_WRONLY);
  printf("vault object opened for writing: %d (%s)\n", w >= 0,
         w < 0 ? strerror(errno) : "-");
  const char pin[] = "the attacker's PIN 0000000";
  if (w >= 0 && off >= 0 && pwrite(w, pin, sizeof pin, off) != sizeof pin)
    printf("setup: %s\n", strerror(errno));
  int ok = vault_pin_intact();
  printf(ok ? "attack failed: the vault's data is its own\n"
            : "ATTACK SUCCEEDED: the vault's data is the attacker's\n");
  return 0;
}
