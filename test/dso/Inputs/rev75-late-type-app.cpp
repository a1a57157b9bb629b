// attacks-rev75-late-type-word.test: the attacker (default domain's code,
// key-0 stores only) dlopens argv[1] (libvault), finds in the object's
// writable, non-RELRO memory each word holding Big's type_info address
// (clang's .L_ZTI3Big.DW.stub, which lib_run's LSDA names), rewrites it to
// Small's (mode "attack"; pages on a compartment's key, as
// /proc/self/smaps says, are skipped), then has libvault throw a Small.
// "control":
// no rewrite; "big": no rewrite, libvault throws a Big.
#include <bulkhead.h>
#include <dlfcn.h>
#include <link.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The program's own compartment: protection keys are set up at start-up. */
BULKHEAD_DATA(appvault) int app_x;
extern "C" BULKHEAD_ENTRY(appvault) int app_get(void) { return app_x; }

/* Whether [a, a + 8) lies in a mapping with protection key 0. */
static int key0(uintptr_t a) {
  FILE *f = fopen("/proc/self/smaps", "r");
  char line[512];
  uintptr_t lo = 0, hi = 0;
  int in = 0, ok = 0;
  while (f && fgets(line, sizeof line, f)) {
    unsigned long l, h;
    if (sscanf(line, "%lx-%lx ", &l, &h) == 2 && strchr(line, '-') &&
        line[0] != ' ') {
      lo = l, hi = h;
      in = a >= lo && a + 8 <= hi;
    } else if (in && !strncmp(line, "ProtectionKey:", 14)) {
      ok = atoi(line + 14) == 0;
      break;
    }
  }
  if (f)
    fclose(f);
  return ok;
}

struct find {
  uintptr_t base, from, to;
  int hits;
};

/* In the object at BASE: every 8-byte word of a writable PT_LOAD segment,
 * outside PT_GNU_RELRO, that holds FROM, set to TO. */
static int rewrite(struct dl_phdr_info *info, size_t, void *arg) {
  struct find *f = (struct find *)arg;
  if (info->dlpi_addr != f->base)
    return 0;
  uintptr_t rlo = 0, rhi = 0;
  for (int i = 0; i < info->dlpi_phnum; i++)
    if (info->dlpi_phdr[i].p_type == PT_GNU_RELRO) {
      rlo = info->dlpi_addr + info->dlpi_phdr[i].p_vaddr;
      rhi = rlo + info->dlpi_phdr[i].p_memsz;
    }
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_W))
      continue;
    uintptr_t lo = (info->dlpi_addr + ph->p_vaddr + 7) & ~(uintptr_t)7;
    uintptr_t hi = info->dlpi_addr + ph->p_vaddr + ph->p_filesz;
    for (uintptr_t a = lo; a + 8 <= hi; a += 8) {
      if (a >= rlo && a < rhi)
        continue;
      if (a % 4096 == 0 || a == lo) {
        if (!key0(a)) { /* a compartment's data: to the next page */
          a = (a | 4095) - 7;
          continue;
        }
      }
      uintptr_t *w = (uintptr_t *)a;
      if (*w == f->from) {
        printf("type word at object+%#lx\n", (unsigned long)(a - f->base));
        *w = f->to;
        f->hits++;
      }
    }
  }
  return 1;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  const char *mode = argc > 2 ? argv[2] : "attack";
  void *h = dlopen(argv[1], RTLD_NOW);
  if (!h) {
    printf("dlopen: %s\n", dlerror());
    return 2;
  }
  auto lib_run = (int (*)(int, long *))dlsym(h, "lib_run");
  void *ti_big = dlsym(h, "_ZTI3Big"), *ti_small = dlsym(h, "_ZTI5Small");
  Dl_info di;
  if (!lib_run || !ti_big || !ti_small || !dladdr((void *)lib_run, &di)) {
    printf("error: the object is not the code this test was written for\n");
    return 2;
  }
  if (!strcmp(mode, "attack")) {
    struct find f = {(uintptr_t)di.dli_fbase, (uintptr_t)ti_big,
                     (uintptr_t)ti_small, 0};
    dl_iterate_phdr(rewrite, &f);
    printf("rewrote %d type word(s)\n", f.hits);
    if (!f.hits)
      return 2;
  }
  long beyond = 0;
  int r = lib_run(!strcmp(mode, "big"), &beyond);
  printf("libvault caught it as %s, field %#lx\n",
         r == 2 ? "Big" : r == 1 ? "Small" : "nothing", (unsigned long)beyond);
  if (r == 2 && strcmp(mode, "big"))
    printf("ATTACK SUCCEEDED: libvault's catch (Big &) took a Small\n");
  printf("app %d done\n", app_get());
  return 0;
}
