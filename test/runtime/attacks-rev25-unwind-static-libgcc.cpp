// Review 25, attacker model A (key-0 memory only; the registration below
// is one call of the default domain's, standing for the stores that link
// a forged object into the list). runtime/unwind-find.c protects the
// unwinder of libgcc_s.so.1: its PLT jump to _Unwind_Find_FDE. A program
// linked with -static-libgcc (and -static-libstdc++, a common way to ship
// C++) carries its own copy of libgcc's unwinder (libgcc_eh.a): its
// _Unwind_Find_FDE is a local function called directly, no PLT, and it
// searches the executable's own list of registered frames
// (__register_frame_info: unseen_objects, its key-0 .bss) and ld.so's
// _dl_find_object records, with the rights of whoever throws: review 22's
// attacks come back. Here the program registers a forged .eh_frame in its
// own memory: a CIE whose personality (augmentation 'P', a plain address)
// is steal, and an FDE covering the executable's code. The vault's own
// throw (the executable's __cxa_throw, the executable's unwinder) finds
// the forged FDE first and calls steal with the vault's rights: it copies
// the vault's key into the program's buffer and prints it (ATTACK
// SUCCEEDED; seen in the guest, review 25). The control registers
// nothing: the vault catches its own throw. Built without the two flags
// (libgcc_s.so.1, unwind-find.c in place) the same forgery steals nothing
// (seen in the guest). bulkhead-clang++ accepts
// these flags and nothing at start-up says the unwinder is unprotected.
// Fixed: bulkhead-clang refuses -static-libgcc and -static-libstdc++ in a
// link with compartments, with one line; built without them the same
// forgery steals nothing (the vault's throw goes through libgcc_s.so.1).
// (-static and -static-pie do not link with compartments: there is no
// static libmimalloc.)
// REQUIRES: pku
// RUN: not %bulkhead_clangxx -fpkey-compartments -O2 -static-libgcc %s -o %t.static 2>&1 | FileCheck %s --check-prefix=REFUSED
// RUN: not %bulkhead_clangxx -fpkey-compartments -O2 -static-libstdc++ %s -o %t.static 2>&1 | FileCheck %s --check-prefix=REFUSED-CXX
// REFUSED: bulkhead-clang: error: '-static-libgcc' cannot be used in a link with -fpkey-compartments: the output would carry its own copy of libgcc's unwinder
// REFUSED-CXX: bulkhead-clang: error: '-static-libstdc++' cannot be used in a link with -fpkey-compartments
// Review 26: the same copy linked by hand, without the flags, passed the
// flag check (and the forgery won in the guest); now any output with
// compartment gates that defines libgcc's unwinder itself is refused
// after the link (tools/unwinder-check.c), and none is left behind.
// RUN: not %bulkhead_clangxx -fpkey-compartments -O2 %s -Wl,-Bstatic,-lstdc++,-lgcc_eh,-Bdynamic -o %t.static 2>&1 | FileCheck %s --check-prefix=LINKED
// RUN: not %bulkhead_clangxx -fpkey-compartments -O2 %s -l:libgcc_eh.a -o %t.static 2>&1 | FileCheck %s --check-prefix=LINKED
// RUN: test ! -e %t.static
// LINKED: bulkhead-clang: error: {{.*}}.static defines {{_Unwind_Find_FDE|__register_frame_info|_Unwind_RaiseException}} itself: it carries its own copy of libgcc's unwinder
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 %s -o %t
// RUN: %run %t control | FileCheck %s --check-prefix=CONTROL
// RUN: %run %t | FileCheck %s
// CONTROL: caught in the vault: 4
// CONTROL-NEXT: nothing stolen
// CHECK: registered
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: caught in the vault: 4
#include <bulkhead.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

BULKHEAD_DATA(vault) char vault_key[32] = "TOP-SECRET-VAULT-KEY";

__attribute__((noinline)) static void vault_fail(int v) {
  if (v)
    throw v;
}
extern "C" BULKHEAD_ENTRY(vault) int vault_catch(int v) {
  try {
    vault_fail(v);
  } catch (int e) {
    return e + 1;
  }
  return 0;
}

static char stolen[40] = "ATTACK SUCCEEDED: ";
static const char *volatile from = vault_key; /* key-0 words */
static char *volatile to = stolen + 18;

/* The forged personality, called with the vault's rights. */
extern "C" __attribute__((used)) int steal(void) {
  for (int i = 0; i < 20; i++)
    to[i] = from[i];
  to[20] = '\n';
  write(1, stolen, 39);
  _exit(0);
}

extern "C" void __register_frame_info(const void *, void *);
extern "C" char __executable_start[], etext[];

static uint8_t frame[128];
static size_t at;
static void put(const void *p, size_t n) { memcpy(frame + at, p, n), at += n; }
static void u8(uint8_t v) { put(&v, 1); }
static void u32(uint32_t v) { put(&v, 4); }
static void u64(uint64_t v) { put(&v, 8); }
static void end(size_t start) { /* pad with DW_CFA_nop, set the length */
  while ((at - start) % 8)
    u8(0);
  uint32_t len = (uint32_t)(at - start - 4);
  memcpy(frame + start, &len, 4);
}

static void forge(uint64_t personality) {
  size_t cie = at;
  /* CIE: version 1, "zP", code align 1, data align -8, ra column 16;
   * personality absptr; CFA = rsp + 8, ra at CFA - 8. */
  u32(0), u32(0), u8(1), u8('z'), u8('P'), u8(0), u8(1), u8(0x78), u8(16);
  u8(9), u8(0x00), u64(personality);
  u8(0x0c), u8(7), u8(8), u8(0x90), u8(1);
  end(cie);
  size_t fde = at; /* the executable's code */
  u32(0), u32((uint32_t)(at - cie)), u64((uintptr_t)__executable_start);
  u64((uintptr_t)(etext - __executable_start)), u8(0);
  end(fde);
  u32(0);
}

int main(int argc, char **argv) {
  (void)argv;
  if (argc < 2) {
    uintptr_t p;
    __asm__("leaq steal(%%rip), %0" : "=r"(p));
    forge(p);
    static uintptr_t object[16]; /* libgcc's struct object */
    __register_frame_info(frame, object);
    puts("registered");
    fflush(stdout);
  }
  printf("caught in the vault: %d\n", vault_catch(3));
  puts("nothing stolen");
  return 0;
}
