// Review 41, attacker B (the default domain's program counter, any system
// call the filter allows), with a plain start-up library that makes code
// in its constructor, as in attacks-rev39-startup-split.c. Review 39's fix
// (runtime/gadgets.c check_edge) searches the two bytes on each side of
// an edge between two executable mappings together, but only when both
// are readable by their maps line ("r" and "x"); and check_mapping skips
// any executable mapping inside a listed object's executable range, so
// an unreadable one there is never refused either (only one that is no
// object's is: "executable, unreadable and no object's"). A mapping with
// PROT_EXEC alone shows "--xp" but is readable: x86 has no execute-only
// pages without a protection key, and the runtime takes every key at
// start-up (reserve_keys), so the kernel has none for execute-only memory
// (Inputs/rev41-xonly-lib.c takes any left, too). The object's own search
// reads it whole, but stops at the object's end.
//
// Here the library's constructor turns its last executable page C into
// an anonymous page ending in 0F 01 with PROT_EXEC alone, and the page
// after its executable pages (its .eh_frame) into an anonymous r-x page U
// starting with EF C3. No search sees the edge C|U: check_edge forgets
// the edge at C (not "r"), U is searched alone, C in the library's search
// alone. main, with eax = ecx = edx = 0, calls C's last two bytes:
// WRPKRU, ret; PKRU 0, and it copies the vault's data.
//
// Seen in the guest: ATTACK SUCCEEDED ("the joint bytes of an
// execute-only page and its neighbour read ..."), 3 runs of 3; also with
// the library's pkey_alloc loop left out (the runtime had taken every
// key). The control, C made r-x instead (-DREADABLE, U kept a mapping of
// its own), stopped the program before main: "the executable mappings
// that meet at 0x... (the second anonymous) make WRPKRU bytes at 0x...
// together".
//
// Suggested fix: in check_edge, count a mapping as executable by its "x"
// alone (execute-only memory without a key is readable; with a key,
// refuse it as check_mapping does memory that is no object's), and keep
// the edge across it; in check_mapping, refuse an executable mapping
// without "r" wherever it lies (a listed object's range included), since
// bh_refuse_execute_only looks only at program headers. Then search the
// edge's bytes with the key's rights, or refuse it.
//
// Fixed: every executable mapping without "r" is refused at start-up
// (before and after the filter), an object's too, before the edge rule.
// REQUIRES: pku
// RUN: rm -rf %t && mkdir -p %t
// RUN: %clang -O1 -shared -fPIC -nostartfiles %S/Inputs/rev41-xonly-lib.c -o %t/libxonly.so
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -L%t -Wl,--no-as-needed -lxonly -Wl,-rpath,%t -o %t/prog
// RUN: %run %t/prog > %t/out 2>&1 || true
// RUN: FileCheck %s < %t/out
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: bulkhead: {{.*}}memory at 0x{{[0-9a-f]+}}-0x{{[0-9a-f]+}} ({{.*}}) is executable and unreadable: it cannot be searched for PKRU writes
// CHECK-NOT: ATTACK SUCCEEDED
#include "Inputs/target.h"

extern unsigned char *rev41_split;

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  printf("vault intact: %d\n", vault_data_intact());
  printf("split code made before main: %s\n", rev41_split ? "yes" : "no");
  if (!rev41_split)
    return 1;
  static char out[48];
  JUMP_AND_READ(rev41_split, out);
  report_read("the joint bytes of an execute-only page and its neighbour",
              out);
  return 0;
}
