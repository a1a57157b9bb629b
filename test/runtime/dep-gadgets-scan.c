// Issue 12, gadgets in dependencies: after start-up, no executable mapping
// of any object the program loaded (libc, ld.so, libmimalloc, libgcc_s,
// the vDSO; the program itself is scanned at link) holds WRPKRU, XRSTOR or
// XRSTORS bytes other than a checked gate, and no object binds lazily any
// more (ld.so's lazy-binding XRSTOR was one of them). The runtime turns lazy
// binding off by running the program again with LD_BIND_NOW, which must be
// invisible: same argv, same environment (no LD_BIND_NOW), same exit status.
// Before runtime/gadgets.c this program found 3 (glibc's pkey_set, ld.so's
// two lazy-binding XRSTORs) and lazily bound objects.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O1 %s -o %t
// RUN: env BULKHEAD_TEST_MARK=kept not %run %t "an arg" 2>&1 | FileCheck %s
// CHECK: argv[1]=an arg
// CHECK-NEXT: mark=kept LD_BIND_NOW=(unset)
// CHECK-NEXT: lazily bound objects: 0
// CHECK-NEXT: usable PKRU writes in dependencies: 0
// CHECK-NEXT: exit 7
#include "Inputs/check.h"
#include <link.h>
#include <sys/auxv.h>

BULKHEAD_DATA(vault) static int secret = 7;
BULKHEAD_ENTRY(vault) int vault_get(void) { return secret; }

static int lazy, usable;

/* The same patterns as bulkhead-scan; a WRPKRU followed by cmp X(%rip),
 * %eax; je +2; ud2 is a checked gate and does not count. */
static void scan(const unsigned char *p, const unsigned char *end) {
  for (; p + 3 <= end; p++) {
    if (p[0] != 0x0f)
      continue;
    int mem = (p[2] >> 6) != 3, reg = (p[2] >> 3) & 7;
    if (p[1] == 0x01 && p[2] == 0xef) {
      if (end - p >= 13 && p[3] == 0x3b && p[4] == 0x05 && p[9] == 0x74 && p[10] == 2 &&
          p[11] == 0x0f && p[12] == 0x0b)
        continue;
      usable++;
    } else if ((p[1] == 0xae && reg == 5 && mem) || (p[1] == 0xc7 && reg == 3 && mem)) {
      usable++;
    }
  }
}

static int object(struct dl_phdr_info *info, size_t size, void *arg) {
  (void)size, (void)arg;
  int main_program = (uintptr_t)info->dlpi_phdr == getauxval(AT_PHDR);
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    const unsigned char *p = (const unsigned char *)(info->dlpi_addr + ph->p_vaddr);
    if (ph->p_type == PT_LOAD && (ph->p_flags & PF_X) && !main_program)
      scan(p, p + ph->p_filesz);
    if (ph->p_type != PT_DYNAMIC)
      continue;
    uintptr_t got = 0;
    int plt = 0;
    for (const ElfW(Dyn) *d = (const ElfW(Dyn) *)p; d->d_tag != DT_NULL; d++) {
      uintptr_t v = d->d_un.d_ptr < info->dlpi_addr ? d->d_un.d_ptr + info->dlpi_addr : d->d_un.d_ptr;
      if (d->d_tag == DT_PLTGOT)
        got = v;
      plt |= d->d_tag == DT_JMPREL;
    }
    /* the loader puts its lazy resolver in GOT[2] only when binding lazily */
    if (plt && got && ((uintptr_t *)got)[2])
      lazy++;
  }
  return 0;
}

int main(int argc, char **argv) {
  CHECK(argc == 2);
  printf("argv[1]=%s\n", argv[1]);
  const char *bind = getenv("LD_BIND_NOW");
  printf("mark=%s LD_BIND_NOW=%s\n", getenv("BULKHEAD_TEST_MARK"), bind ? bind : "(unset)");
  dl_iterate_phdr(object, NULL);
  printf("lazily bound objects: %d\n", lazy);
  printf("usable PKRU writes in dependencies: %d\n", usable);
  printf("exit %d\n", vault_get());
  return vault_get();
}
