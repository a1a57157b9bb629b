// Review 26, attacker model A (key-0 memory only; the registration below
// is one call of the default domain's, standing for the stores that link
// a forged object into the list). Review 25's fix for an executable's own
// copy of libgcc's unwinder (attacks-rev25-unwind-static-libgcc.cpp) is
// that bulkhead-clang refuses the two flags -static-libgcc and
// -static-libstdc++ with compartments. The same link is made without
// them: -Wl,-Bstatic,-lstdc++,-lgcc_eh,-Bdynamic (what a build that
// links a static C++ runtime by hand, or a static C++ library that
// carries an unwinder, gives; -l:libstdc++.a -l:libgcc_eh.a, or the
// archive's path, link the same copy: seen with nm, not run).
// bulkhead-clang++ links it without a word; the executable
// carries libstdc++.a's __cxa_throw and libgcc_eh.a's unwinder, whose
// _Unwind_Find_FDE searches the executable's own key-0 list of registered
// frames. As in review 25, the program registers a forged .eh_frame whose
// CIE names steal as its personality; the vault's own throw calls it with
// the vault's rights: it copies the vault's key into the program's buffer
// and prints it (ATTACK SUCCEEDED; seen in the guest, review 26). The
// control registers nothing: the vault catches its own throw.
// Fixed: after the link, bulkhead-clang refuses an output with compartment
// gates that defines one of libgcc's unwinder entry points itself
// (tools/unwinder-check.c), with one line; built against libgcc_s the
// same forgery steals nothing.
// REQUIRES: pku
// RUN: not %bulkhead_clangxx -fpkey-compartments -O2 %s -Wl,-Bstatic,-lstdc++,-lgcc_eh,-Bdynamic -o %t.static 2>&1 | FileCheck %s --check-prefix=REFUSED
// RUN: not %bulkhead_clangxx -fpkey-compartments -O2 %s -l:libgcc_eh.a -o %t.static 2>&1 | FileCheck %s --check-prefix=REFUSED
// RUN: test ! -e %t.static
// REFUSED: bulkhead-clang: error: {{.*}}.static defines {{_Unwind_Find_FDE|__register_frame_info|_Unwind_RaiseException}} itself: it carries its own copy of libgcc's unwinder
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
