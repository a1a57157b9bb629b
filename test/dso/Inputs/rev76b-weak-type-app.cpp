// attacks-rev76b-weak-type-zero.test: the attacker (model B: default
// domain's code, any system call the filter allows) dlopens argv[1]
// (librev76b-big.so, RTLD_GLOBAL: Big's type_info) and argv[2] (libvault),
// finds in libvault's writable, non-RELRO memory the word holding Big's
// type_info address (clang's .L_ZTI3Big.DW.stub, which lib_run's LSDA
// names), and then, by mode:
//   "honest":  nothing; libvault throws a Small.
//   "request": asks the supervisor itself (BH_UNWIND_WORDS) for that
//              word's value, the word untouched; then the throw.
//   "attack":  stores 0 into the word (key-0 .data), then the same
//              request; then the throw.
#include <bulkhead.h>
#include <dlfcn.h>
#include <errno.h>
#include <link.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The program's own compartment: protection keys are set up at start-up. */
BULKHEAD_DATA(appvault) int app_x;
extern "C" BULKHEAD_ENTRY(appvault) int app_get(void) { return app_x; }

struct find {
  uintptr_t base, want, at;
};

/* In the object at BASE: the first 8-byte word of a writable PT_LOAD
 * segment's file bytes, outside PT_GNU_RELRO, that holds WANT. */
static int search(struct dl_phdr_info *info, size_t, void *arg) {
  struct find *f = (struct find *)arg;
  if (info->dlpi_addr != f->base)
    return 0;
  uintptr_t rlo = 0, rhi = 0;
  for (int i = 0; i < info->dlpi_phnum; i++)
    if (info->dlpi_phdr[i].p_type == PT_GNU_RELRO) {
      rlo = info->dlpi_addr + info->dlpi_phdr[i].p_vaddr;
      rhi = rlo + info->dlpi_phdr[i].p_memsz;
    }
  for (int i = 0; i < info->dlpi_phnum && !f->at; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_W))
      continue;
    uintptr_t lo = (info->dlpi_addr + ph->p_vaddr + 7) & ~(uintptr_t)7;
    uintptr_t hi = info->dlpi_addr + ph->p_vaddr + ph->p_filesz;
    for (uintptr_t a = lo; a + 8 <= hi && !f->at; a += 8)
      if (!(a >= rlo && a < rhi) && *(uintptr_t *)a == f->want)
        f->at = a;
  }
  return 1;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  const char *mode = argc > 3 ? argv[3] : "attack";
  if (!dlopen(argv[1], RTLD_NOW | RTLD_GLOBAL)) {
    printf("dlopen: %s\n", dlerror());
    return 2;
  }
  void *h = dlopen(argv[2], RTLD_NOW);
  if (!h) {
    printf("dlopen: %s\n", dlerror());
    return 2;
  }
  auto lib_run = (int (*)(long *))dlsym(h, "lib_run");
  void *ti_big = dlsym(RTLD_DEFAULT, "_ZTI3Big");
  Dl_info di;
  if (!lib_run || !ti_big || !dladdr((void *)lib_run, &di)) {
    printf("error: the objects are not the code this test was written for\n");
    return 2;
  }
  struct find f = {(uintptr_t)di.dli_fbase, (uintptr_t)ti_big, 0};
  dl_iterate_phdr(search, &f);
  printf("Big's type word %s\n", f.at ? "found" : "not found");
  if (!f.at)
    return 2;
  if (!strcmp(mode, "attack"))
    *(volatile uintptr_t *)f.at = 0;
  if (strcmp(mode, "honest")) {
    struct {
      uintptr_t at, value;
    } w = {f.at, 0};
    long r = syscall(SYS_ioctl, 0x7ffffff3 /* BH_REQUEST_FD */,
                     0x4b20 /* BH_UNWIND_WORDS */, &w, 1L);
    printf("BH_UNWIND_WORDS: %ld (%s)\n", r, r ? strerror(errno) : "ok");
  }
  long beyond = 0;
  int r = lib_run(&beyond);
  printf("libvault caught it as %s, field %#lx\n",
         r == 2 ? "Big" : r == 1 ? "Small" : "nothing", (unsigned long)beyond);
  if (r == 2)
    printf("ATTACK SUCCEEDED: libvault's catch (Big &) took a Small\n");
  printf("app %d done\n", app_get());
  return 0;
}
