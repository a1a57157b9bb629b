// Review 28, attacker model A (one key-0 store). ld.so makes only whole
// pages of PT_GNU_RELRO read-only: it rounds the segment's end down to a
// page (glibc's _dl_protect_relro), so a RELRO that does not end on a page
// boundary keeps its last partial page writable. lld pads RELRO only to
// the common page size, so bulkhead-clang -fuse-ld=lld
// -Wl,-z,common-page-size=64 links a program whose last RELRO page, here
// holding its .got and .got.plt (and DW.ref.__gxx_personality_v0 in C++:
// driver/attacks-rev28-relro-tail.test), stays writable after start-up.
// Everything that decides "read-only" from the program headers believes
// the words are protected: runtime/plt.c (bh_object_read_only) leaves the
// program's PLT jumps reading its own GOT words, and the driver's
// personality check (tools/unwinder-check.c) passes the link. The driver
// adds -z relro -z now after the user's flags, which does not help.
//
// Here the program finds the JUMP_SLOT word of strcmp in its own
// relocations (addresses from the binary) and stores strcpy's address
// there; the vault's strcmp(guess, key) then runs strcpy(guess, key) with
// the vault's rights and copies the key into the key-0 buffer (ATTACK
// SUCCEEDED). The control is the same program linked without the option:
// the store faults.
//
// Seen in the guest: ATTACK SUCCEEDED with -z common-page-size=64; the
// control dies of SIGSEGV at the store.
//
// Suggested fix: treat RELRO as read-only only up to its end rounded down
// to a page, as ld.so does (bh_object_read_only, the driver's check, and
// wherever else PT_GNU_RELRO is read: supervisor-relro.c looks at the
// mappings and already refuses); and the driver refuses
// -z common-page-size / max-page-size below 4096 in its links (or checks
// the output's PT_GNU_RELRO end is page-aligned), so the program's GOT is
// really read-only.
// Fixed, both ways: bulkhead-clang refuses an output with compartments
// whose RELRO ends inside a page, with one line (tools/unwinder-check.c);
// and the runtime counts RELRO's whole pages only (bh_object_read_only),
// so plt.c moves PLT jumps that would read a word on such a page (a
// library linked elsewhere: attacks-rev28-relro-tail-lib.c).
// REQUIRES: pku
// RUN: rm -rf %t && mkdir %t
// RUN: %bulkhead_clang -fpkey-compartments -O2 -fno-builtin %s -fuse-ld=lld -o %t/control
// RUN: not %run %t/control 2>&1 | FileCheck %s --check-prefix=CONTROL
// Linked twice, the second time with 64 more bytes of RELRO, since one link
// may end RELRO on a page boundary by chance (driver/attacks-rev28-relro-
// tail.test): at least one is refused, and each refused leaves no file.
// RUN: %clang -fPIE -c %S/../driver/Inputs/relro-pad.c -o %t/pad.o
// RUN: %bulkhead_clang -fpkey-compartments -O2 -fno-builtin %s -fuse-ld=lld -Wl,-z,common-page-size=64 -o %t/a > %t/a.out 2>&1 || true
// RUN: %bulkhead_clang -fpkey-compartments -O2 -fno-builtin %s %t/pad.o -fuse-ld=lld -Wl,-z,common-page-size=64 -o %t/b > %t/b.out 2>&1 || true
// RUN: cat %t/a.out %t/b.out | FileCheck %s --check-prefix=REFUSED
// RUN: not grep -hv "RELRO ends inside a page" %t/a.out %t/b.out
// RUN: bash -c 'for p in a b; do grep -q RELRO %t/$p.out && test -e %t/$p && exit 1; done; exit 0'
// REFUSED: {{^}}bulkhead-clang: error: {{.*}}/{{a|b}}'s RELRO ends inside a page
// CONTROL: strcmp's GOT word found: 1
// CONTROL-NOT: ATTACK SUCCEEDED
// CONTROL: bulkhead: SIGSEGV (invalid permissions) at address 0x{{[0-9a-f]+}} in the default domain
#define _GNU_SOURCE
#include <bulkhead.h>
#include "Inputs/got-slot.h"
#include <stdio.h>
#include <string.h>

BULKHEAD_DATA(vault) char vault_key[32] = "TOP-SECRET-VAULT-KEY";

BULKHEAD_ENTRY(vault) int vault_check(char *guess) {
  return strcmp(guess, vault_key) == 0;
}

int main(void) {
  static char guess[32] = "a guess";
  struct got_slot got = {NULL, "strcmp", NULL, 0};
  dl_iterate_phdr(got_slot_find, &got);
  void **slot = got.slot;
  printf("strcmp's GOT word found: %d\n", slot != NULL);
  fflush(stdout);
  if (!slot)
    return 1;
  *slot = (void *)strcpy; /* the one store */
  vault_check(guess);
  if (strstr(guess, "TOP-SECRET"))
    printf("ATTACK SUCCEEDED: the vault's key in the program's memory: %s\n",
           guess);
  else
    printf("attack failed: %s\n", guess);
  return 0;
}
