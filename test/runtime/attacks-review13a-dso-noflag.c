// Attacker model A (key-0 loads and stores only; one store). Review 13a.
// The link check of names for default-domain code (tools/alias-check.c)
// runs for a -shared link only with -fpkey-compartments
// (bulkhead-clang.c: check_aliases needs `active`), while the same link
// without the flag, which libtool makes (it drops the flag from links),
// gets the runtime archive, the gate disarming and registration all the
// same (docs/driver.md: "a library whose objects were compiled with the
// flag links the same either way"). So `-Wl,--defsym=app_beat=
// app_heartbeat` in such a library's link is refused with the flag and
// accepted without it; the library's vault then calls app_beat as a plain
// call with its rights. Reproduced in the PKU guest at -O2 (this file built
// with -DLIB -fPIC into the library linked without the flag, and without
// -DLIB into a program linked against it): LEAK, the library's heartbeat
// read the vault's key through the pointer one store aimed. Checked here
// natively, at the link.
// Fix: check every -shared link the driver makes, as it disarms every one
// (check_aliases = (linking || linking_dso) && !no_run).
// Fixed: the driver checks every -shared link's names, with the flag or
// without (tools/bulkhead-clang.c check_aliases).
// RUN: %bulkhead_clang -fpkey-compartments -O2 -fPIC -DLIB -c %s -o %t.lib.o
// With the flag: refused (held).
// RUN: not %bulkhead_clang -fpkey-compartments -shared %t.lib.o -Wl,--defsym=app_beat=app_heartbeat -o %t.flag.so 2> %t.flag.err
// RUN: FileCheck %s < %t.flag.err
// Without it (libtool's link): accepted today.
// RUN: not %bulkhead_clang -shared %t.lib.o -Wl,--defsym=app_beat=app_heartbeat -o %t.so 2> %t.err
// RUN: FileCheck %s < %t.err
// RUN: test ! -e %t.so
// CHECK: bulkhead-clang: error: {{.*}}: 'app_beat' names default-domain code ('app_heartbeat'+0) but no module marked it
#include "Inputs/check.h"
#define SECRET 0x5ec7e75ec7e7L
#ifdef LIB
long last_seen;
const long *volatile watched = &last_seen;
void app_heartbeat(void) { last_seen = *watched; }
void app_beat(void); /* made by the library's link: --defsym */
BULKHEAD_DATA(vault) static long key = SECRET;
BULKHEAD_ENTRY(vault) void *vault_where(void) { return &key; }
BULKHEAD_ENTRY(vault) void vault_work(void) { app_beat(); }
#else
extern long last_seen;
extern const long *volatile watched;
void *vault_where(void);
void vault_work(void);
int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  watched = vault_where(); /* the attacker's one store */
  vault_work();
  if (last_seen == SECRET) {
    printf("attacks-review13a-dso-noflag: LEAK: the library's heartbeat ran "
           "with the vault's rights and read its key %#lx\n",
           last_seen);
    return 1;
  }
  printf("attacks-review13a-dso-noflag: read %#lx\n", last_seen);
  return 1;
}
#endif
