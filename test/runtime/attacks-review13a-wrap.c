// Attacker model A (key-0 loads and stores only; one store). Review 13a.
// The link check (tools/alias-check.c) looks for names of default-domain
// code; the linker's --wrap makes none, it redirects references. With
// `-Wl,--wrap=getpid` and the program's own (default-domain, marked)
// __wrap_getpid, a logging wrapper as --wrap is used for, the vault's call
// of getpid is a call of a declaration without a marker
// (__bulkhead_default.getpid: getpid is libc's, shared code), so the pass
// makes it a plain call with the vault's rights, and the linker points it
// at __wrap_getpid: the program's code runs with the vault's rights. It
// loads through a key-0 pointer that one store aimed at the vault's key.
// Reproduced in the PKU guest at -O2: the link succeeds and the program
// prints LEAK. The same program without --wrap calls libc's getpid.
// Fix (either): the driver reads every --wrap=SYM of the link (-Wl,
// -Xlinker, response files) and refuses it when __wrap_SYM is marked, or
// defines the marker for SYM (`--defsym=__bulkhead_default.SYM=
// __bulkhead_default.__wrap_SYM`) so the compartment's call is gated into
// the default domain; the alias check cannot see it (no symbol is made).
// The same holds for a compartment's call of `__real_f` when f is marked
// (the linker points it at f), and, the other way, for --wrap=f with a
// compartment's internal __wrap_f (every call of f then reaches that
// code without its gateway); neither was run here.
// Either fix passes this test (refused link, or a fault in the guest).
// REQUIRES: pku
// Fixed: the driver refuses --wrap (in -Wl, or -Xlinker) in a link with
// -fpkey-compartments, naming it (tools/bulkhead-clang.c scan_linker_arg).
// RUN: rm -f %t %t.out
// RUN: %bulkhead_clang -fpkey-compartments -O2 -DPROGRAM -c %s -o %t.app.o
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s %t.app.o -Wl,--wrap=getpid -o %t 2> %t.link || echo "link refused" > %t.out
// RUN: test ! -e %t || %run %t > %t.out 2>&1 || true
// RUN: FileCheck %s < %t.out
// CHECK-NOT: LEAK
// CHECK: {{protection-key fault|link refused}}
#include "Inputs/check.h"

#define SECRET 0x5ec7e75ec7e7L
extern long last_seen;
extern const long *volatile watched;

#ifdef PROGRAM
/* The program's own code, in its own file: a wrapper of getpid put in with
 * -Wl,--wrap=getpid. */
long last_seen;
const long *volatile watched = &last_seen;
pid_t __real_getpid(void);
pid_t __wrap_getpid(void) {
  last_seen = *watched;
  return __real_getpid();
}
#else
BULKHEAD_DATA(vault) static long key = SECRET;
BULKHEAD_ENTRY(vault) void *vault_where(void) { return &key; }
BULKHEAD_ENTRY(vault) long vault_work(void) { return getpid(); }

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  watched = vault_where(); /* the attacker's one store */
  vault_work();
  if (last_seen == SECRET) {
    printf("attacks-review13a-wrap: LEAK: the program's __wrap_getpid ran "
           "with the vault's rights and read its key %#lx\n",
           last_seen);
    return 1;
  }
  printf("attacks-review13a-wrap: read %#lx\n", last_seen);
  return 1;
}
#endif
