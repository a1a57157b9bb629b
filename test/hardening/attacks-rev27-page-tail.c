// Review 27, attacker model B (the default domain's program counter).
// runtime/gadgets.c searches each start-up object's executable segments
// for WRPKRU, XRSTOR and XRSTORS from p_vaddr to p_vaddr + p_filesz, the
// segment as its program header says. But ld.so maps whole pages, from the
// page the segment starts in to the page it ends in, all with the
// segment's protection: the file bytes around the segment in those pages
// are executable too, and no one looks at them. With separate-code
// layout (GNU ld's default on x86-64) they are padding; with lld's default
// (-z noseparate-code) they are the object's .rodata before the code and
// its RELRO and data after it. bulkhead-scan knows this ("as the loader
// maps it", docs/scan.md: run on this library it reports "unvetted WRPKRU
// in bytes that are not code (file bytes next to the segment ...)" at
// 0x14d8) and so does the supervisor for later mappings (supervisor-exec.c
// rounds to pages); the start-up scan does not.
//
// Here a plain start-up library (Inputs/rev27-tail-lib.c, clang with
// -fuse-ld=lld -z noseparate-code, lld's default) has in .rodata a 4-byte
// table whose bytes read WRPKRU; RET. The library's file is one page, and
// the code's mapping is that whole page again, executable: the table's
// second view (its file offset in the code mapping) lies outside every
// PF_X segment, so start-up lets it through. The default domain works out
// that address from the program headers (the binary is no secret), jumps
// to it with eax = ecx = edx = 0 (every key open) and reads the vault's
// page: ATTACK SUCCEEDED.
// The same holds for the file's bytes of .data.rel.ro, .got or .data (their
// initial values) in the code's last page.
//
// Seen in the guest (filter on, as root): ATTACK SUCCEEDED, the vault's
// secret read, with "0 left usable" from start-up; the control (no jump)
// leaves the vault intact.
//
// Suggested fix: search what is mapped: each PT_LOAD with PF_X from
// page-floor(p_vaddr) to page-ceil(p_vaddr + p_filesz) (the zero-filled
// tail past p_filesz aside), or walk /proc/self/maps' executable ranges
// instead of the program headers (that also covers item "not an object":
// executable mappings no object lists). A hit outside the segment proper is
// never a checked gate: refuse it as an unknown one.
// Fixed (runtime/gadgets.c): the start-up scan searches each executable
// segment's whole pages, so the program stops before main with one line
// naming the library and the offset. With BULKHEAD_ALLOW_DEP_GADGETS=1 it
// runs, the gadget left usable and named (the control: where the view is).
// REQUIRES: pku
// RUN: rm -rf %t && mkdir %t
// RUN: %clang -O2 -fPIC -shared -fuse-ld=lld -Wl,-z,noseparate-code %S/Inputs/rev27-tail-lib.c -o %t/librev27tail.so
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -L%t -lrev27tail -Wl,-rpath,%t -o %t/prog
// RUN: env BULKHEAD_ALLOW_DEP_GADGETS=1 BULKHEAD_VERBOSE=1 %run %t/prog control > %t/control.out 2>&1 || true
// RUN: FileCheck %s --check-prefix=CONTROL < %t/control.out
// RUN: FileCheck %s --check-prefix=ALLOWED < %t/control.out
// RUN: not %run %t/prog > %t/out 2>&1
// RUN: FileCheck %s < %t/out
// ALLOWED: bulkhead: warning: left usable (BULKHEAD_ALLOW_DEP_GADGETS): WRPKRU at {{.*}}/librev27tail.so+0x14d8
// CONTROL: table's view in the code mapping: 1
// CONTROL-NEXT: view executable: 1
// CONTROL-NEXT: view holds the table: 1
// CONTROL-NEXT: view inside a PF_X segment: 0
// CONTROL: control: exited 0
// CONTROL: parent's vault intact: 1
// CHECK: {{^}}bulkhead: error: {{.*}}/librev27tail.so+0x14d8 holds WRPKRU bytes that are no checked gate
// CHECK-NOT: ATTACK SUCCEEDED
#include "Inputs/target.h"
#include <link.h>

extern const unsigned char rev27_table[4];
int rev27_lib_fn(int x);
static int control;

/* Whether addr lies in an executable mapping (/proc/self/maps). */
static int executable(uintptr_t addr) {
  FILE *f = fopen("/proc/self/maps", "r");
  char line[512];
  int x = 0;
  while (f && fgets(line, sizeof line, f)) {
    unsigned long lo, hi;
    char perm[8];
    if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perm) == 3 && addr >= lo &&
        addr < hi)
      x = perm[2] == 'x';
  }
  if (f)
    fclose(f);
  return x;
}

/* The table's view in the library's code mapping: its file offset in
 * the page-rounded mapping of the PF_X segment (what ld.so maps), and
 * whether it lies inside that segment as its header gives it (what
 * runtime/gadgets.c searches). */
static uintptr_t table_x;
static int table_in_segment;
static int find_view(struct dl_phdr_info *info, size_t size, void *arg) {
  (void)size, (void)arg;
  uintptr_t t = (uintptr_t)rev27_table, off = 0;
  int have = 0;
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    uintptr_t lo = info->dlpi_addr + ph->p_vaddr;
    if (ph->p_type == PT_LOAD && t >= lo && t < lo + ph->p_filesz)
      off = t - lo + ph->p_offset, have = 1;
  }
  for (int i = 0; have && i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_X))
      continue;
    uintptr_t first = ph->p_offset & ~(uintptr_t)4095;
    uintptr_t end = (ph->p_offset + ph->p_filesz + 4095) & ~(uintptr_t)4095;
    if (off < first || off >= end)
      continue;
    table_x = info->dlpi_addr + ph->p_vaddr - ph->p_offset + off;
    table_in_segment = off >= ph->p_offset && off < ph->p_offset + ph->p_filesz;
    return 1;
  }
  return 0;
}

static void attack(void) {
  char got[64] = {0};
  if (control) {
    printf("control: no jump\n");
    return;
  }
  JUMP_AND_READ(table_x, got);
  report_read("WRPKRU in the library's rodata, in its code's first page", got);
}

int main(int argc, char **argv) {
  control = argc > 1 && !strcmp(argv[1], "control");
  printf("library says %d\n", rev27_lib_fn(2));
  dl_iterate_phdr(find_view, NULL);
  printf("table's view in the code mapping: %d\n", table_x != 0);
  printf("view executable: %d\n", table_x && executable(table_x));
  printf("view holds the table: %d\n",
         table_x && !memcmp((void *)table_x, rev27_table, 4));
  printf("view inside a PF_X segment: %d\n", table_in_segment);
  if (!table_x)
    return 1;
  struct attack a[] = {{control ? "control" : "tail", attack}};
  return run_attacks(a, 1);
}
