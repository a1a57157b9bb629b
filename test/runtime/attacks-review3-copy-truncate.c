// Each compartment's allocator is a private copy of libmimalloc, loaded
// from a memfd (runtime/heap.c load_copy); its writable data (the heap
// the compartment allocates from, its segment queues, its arena table)
// are a private mapping of that memfd, tagged with the compartment's key
// so that no other domain can change them (docs/heaps.md). A private
// file mapping is not the process's own memory: truncating its file
// throws away even the pages the process has written (the kernel unmaps
// COWed pages too), and the next access reads the file again. The runtime
// closes the memfd after set-up, but /proc/self/map_files/<range> opens
// it again (root, or CAP_CHECKPOINT_RESTORE: the guest's tests run as
// root); the supervisor's open judges the name (not a memory file) and
// hands it over. The default domain opens the copy's data mapping's file
// for writing, truncates it below the page and writes it back with a word
// of its choosing: the vault's allocator page now holds what the default
// domain wrote (read here by the vault itself, vault_peek; its allocator
// state was thrown away with it). Found in the third review of the
// default domain's program counter (attacker model B); reproduced in the
// QEMU guest (6.1, as root).
//
// Fixed (runtime/heap.c): the copies' memfds are sealed (shrink, grow,
// write, seal) before they are mapped, so the file cannot be truncated or
// rewritten whatever path reaches it. (The supervisor still opens
// /proc/<pid>/map_files/ names for our process.) This test expects the
// attack to be refused (the child stopped by a signal, or the file not
// changed); it failed before the fix.
// REQUIRES: pku
// No keys reserved for later compartments: their allocator copies,
// prepared at start-up (docs/heaps.md), are not what this test counts.
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: env BULKHEAD_LATE_COMPARTMENTS=0 %run %t | FileCheck %s
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: attack failed
#define _GNU_SOURCE
#include <bulkhead.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

BULKHEAD_DATA(vault) static char *vault_block;
BULKHEAD_ENTRY(vault) int vault_alloc(void) { return (vault_block = malloc(100)) != NULL; }
/* The vault reading a word of its own memory. */
BULKHEAD_ENTRY(vault) uint64_t vault_peek(const uint64_t *p) { return *p; }

#define MARK 0x4141414142424242ull

int main(void) {
  if (!vault_alloc())
    return 1;
  FILE *m = fopen("/proc/self/maps", "r");
  char line[512];
  unsigned long lo = 0, hi = 0, off = 0;
  while (m && fgets(line, sizeof line, m)) {
    char perms[8];
    unsigned long a, b, o;
    if (strstr(line, "bulkhead-mimalloc") &&
        sscanf(line, "%lx-%lx %7s %lx", &a, &b, perms, &o) == 4 && !strcmp(perms, "rw-p")) {
      lo = a, hi = b, off = o;
      break;
    }
  }
  if (!lo) {
    printf("attack failed: no copy's data mapping found\n");
    return 0;
  }
  uint64_t before = vault_peek((const uint64_t *)lo);
  char path[96];
  snprintf(path, sizeof path, "/proc/self/map_files/%lx-%lx", lo, hi);
  int fd = open(path, O_RDWR | O_CLOEXEC);
  if (fd < 0) {
    printf("attack failed: open %s: %s\n", path, strerror(errno));
    return 0;
  }
  struct stat st;
  static char page[4096];
  uint64_t mark = MARK;
  if (fstat(fd, &st) || pread(fd, page, sizeof page, (off_t)off) != sizeof page ||
      ftruncate(fd, (off_t)off) || ftruncate(fd, st.st_size) ||
      pwrite(fd, page, sizeof page, (off_t)off) != sizeof page ||
      pwrite(fd, &mark, 8, (off_t)off) != 8) {
    printf("attack failed: rewriting the copy's file: %s\n", strerror(errno));
    return 0;
  }
  uint64_t after = vault_peek((const uint64_t *)lo);
  printf("the vault's allocator page at %#lx: %#llx before, %#llx after\n", lo,
         (unsigned long long)before, (unsigned long long)after);
  if (after == MARK)
    printf("ATTACK SUCCEEDED: the default domain wrote the vault's allocator data\n");
  else
    printf("attack failed: the page kept its contents\n");
  return 0;
}
