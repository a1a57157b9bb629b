// Review 27, attacker model B (the default domain's program counter).
// runtime/gadgets.c finds the objects to search with dl_iterate_phdr, at
// start-up (.preinit_array) and again when the filter is installed
// (constructor 103, for objects start-up libraries' constructors loaded).
// glibc's dl_iterate_phdr lists only the namespace of its caller: objects
// a constructor loads with dlmopen into a namespace of their own are in
// neither walk. Such a namespace holds its own libc, whose pkey_set has a
// WRPKRU that nobody makes unusable (the namespace-0 copy's is patched);
// after the filter the supervisor scans only new mappings, and these are
// old ones.
//
// Here a plain start-up library (Inputs/rev27-dlmopen-ctor.c) loads
// libc.so.6 with dlmopen(LM_ID_NEWLM) in its constructor (any library
// would bring one). Start-up says "3 made unusable, 0 left usable" as usual. The
// default domain finds that libc's pkey_set (dlsym on the handle; an
// attacker could as well read ld.so's namespace list or /proc/self/maps),
// finds the WRPKRU in its body, jumps to it with eax = ecx = edx = 0
// (every key open; it is followed by xor %eax,%eax; ret) and reads the
// vault's page: ATTACK SUCCEEDED. The same walks decide plt.c's rewrite,
// unwind-find.c's objects and the filter's protected ranges (add_object):
// the namespace's objects are in none of them.
//
// The same holds, with no constructor at all, for a program run with
// LD_AUDIT: ld.so loads each audit module into a namespace of its own,
// with its own libc. Seen in the guest with a module that only defines
// la_version: /proc/self/maps showed one WRPKRU left in an executable
// mapping of libc.so.6 (pkey_set's, at +0x109352 of the second copy).
//
// Seen in the guest (filter on, as root): ATTACK SUCCEEDED, the vault's
// secret read; the control (namespace-0 libc's pkey_set, patched) stops
// on the UD2 (signal 4).
//
// Suggested fix: search what is executable rather than what one namespace
// lists: walk /proc/self/maps' executable ranges (each must belong to an
// object of some namespace, or be refused), or walk every namespace
// (_r_debug_extended's r_next chain, glibc 2.35+), at both scans and for
// the other walks; or refuse dlmopen before the filter (the runtime
// interposes it, one line, non-zero exit).
// Fixed (runtime/gadgets.c): both scans also walk /proc/self/maps, and
// an executable file mapping no object of ld.so's list holds stops the
// program before main with one line, gadget or not (no start-up copy is
// made of it, so its file could change under it after the search; review
// 28). The control (namespace-0 pkey_set) cannot run either now.
// REQUIRES: pku
// RUN: rm -rf %t && mkdir %t
// RUN: %clang -O2 -fPIC -shared %S/Inputs/rev27-dlmopen-ctor.c -ldl -o %t/librev27ns.so
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -ldl -L%t -Wl,--no-as-needed -lrev27ns -Wl,-rpath,%t -o %t/prog
// RUN: env BULKHEAD_VM_FILES=/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 not %run %t/prog > %t/out 2>&1
// RUN: FileCheck %s < %t/out
// CHECK: {{^}}bulkhead: error: memory at 0x{{[0-9a-f]+}}-0x{{[0-9a-f]+}} ({{.*}}libc.so.6) is an executable file mapping no object in ld.so's list holds
// CHECK-NOT: ATTACK SUCCEEDED
#include "Inputs/target.h"
#include <dlfcn.h>

extern void *rev27_namespace;
static const unsigned char *gadget;

/* The WRPKRU in pkey_set's first 128 bytes, or NULL. */
static const unsigned char *wrpkru_in(const unsigned char *f) {
  for (int i = 0; f && i < 128; i++)
    if (f[i] == 0x0f && f[i + 1] == 0x01 && f[i + 2] == 0xef)
      return f + i;
  return NULL;
}

static void attack(void) {
  char got[64] = {0};
  JUMP_AND_READ(gadget, got);
  report_read("WRPKRU of pkey_set in a dlmopen'ed namespace's libc", got);
}

int main(int argc, char **argv) {
  int control = argc > 1 && !strcmp(argv[1], "control");
  printf("namespace loaded: %d\n", rev27_namespace != NULL);
  if (!rev27_namespace)
    return 1;
  const unsigned char *theirs = dlsym(rev27_namespace, "pkey_set");
  const unsigned char *ours = dlsym(RTLD_DEFAULT, "pkey_set");
  printf("its pkey_set is another copy: %d\n", theirs && theirs != ours);
  /* ours was patched to UD2 at start-up: look for the WRPKRU in theirs,
   * and jump to the same offset in ours for the control */
  const unsigned char *w = wrpkru_in(theirs);
  printf("WRPKRU found in pkey_set: %d\n", w != NULL);
  if (!w)
    return 1;
  gadget = control ? ours + (w - theirs) : w;
  struct attack a[] = {{control ? "control" : "namespace", attack}};
  return run_attacks(a, 1);
}
