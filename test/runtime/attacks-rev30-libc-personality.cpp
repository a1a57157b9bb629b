// Review 30b, attacker model A (key-0 loads and stores, no system call).
// runtime/unwind-copy.c gives libgcc_s, with a compartment's rights, a
// copy of each CIE whose personality is the routine's address recorded at
// start-up, so no DW.ref.* word is followed. But what it records for
// libc's frames is no routine of libgcc_s's: glibc 2.36 compiles
// _IO_fclose with -fexceptions (a cleanup releases the stream's lock), and
// its CIE ("zPLR", libc's only one with a personality) names libc's own
// __gcc_personality_v0 (glibc's unwind-resume.c), a forwarder: it calls
// __libc_unwind_link_get and jumps to the personality word of glibc's
// table of libgcc_s's functions (misc/unwind-link.c: a static struct in
// libc's .bss, each word mangled with the pointer guard at %fs:0x30; both
// key-0 memory), with the rights of whoever unwinds. The landing pad's
// _Unwind_Resume is libc's too, through the same table. The copy
// faithfully records the forwarder.
// A vault whose throw passes fclose (a fopencookie stream whose close
// function, the vault's, throws) thus calls a table word with its rights.
// Here the program lets glibc fill the table (glibc's own backtrace,
// through dlsym RTLD_NEXT, as attacks-rev25-backtrace-link.c does), finds
// the word by its contents (the mangled address of libgcc_s's
// __gcc_personality_v0, or with -DRESUME of its _Unwind_Resume, in libc's
// key-0 writable pages: a fixed offset in libc's binary) and stores there
// the mangled address of steal, a function of the program's whose address
// is taken in asm (no gate wraps it; it stands for any code that copies
// through key-0 pointers). The vault's own throw then runs it with the
// vault's rights (the search phase for the personality word, the cleanup
// phase for _Unwind_Resume): it copies the vault's key into the program's
// buffer and goes on to libgcc_s's function, so the throw is still caught
// (by the program: clang takes fclose for a libc function that cannot
// throw and drops a try around it in the vault). ATTACK SUCCEEDED for
// both words, seen in the guest (review 30b, with the filter). The control
// stores nothing, steals nothing. Not cancellation
// (attacks-rev25-cancel-cleanup.c): an ordinary throw.
// Fixed: with a compartment's rights the runtime refuses to copy a frame
// whose personality routine lies outside libstdc++.so.6 and libgcc_s.so.1
// (runtime/unwind-find.c routine_ok), and a refused copy stops the
// program with one line: a vault's throw through fclose now ends there,
// before any personality routine or landing pad of libc's runs (the
// control too: such a throw cannot be unwound with the vault's rights).
// REQUIRES: pku
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 %s -ldl -o %t
// RUN: not %run %t control 2>&1 | FileCheck %s --check-prefix=CONTROL
// RUN: not %run %t 2>&1 | FileCheck %s
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 -DRESUME %s -ldl -o %t-resume
// RUN: not %run %t-resume 2>&1 | FileCheck %s
// CONTROL-NOT: caught
// CONTROL: bulkhead: error: the unwinder cannot unwind the frame at pc {{.*}}libc.so.6{{.*}}: its personality routine is neither libstdc++'s nor libgcc_s's
// CHECK: libc's words for {{.*}}: 1
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK-NOT: caught
// CHECK: bulkhead: error: the unwinder cannot unwind the frame at pc {{.*}}libc.so.6{{.*}}: its personality routine is neither libstdc++'s nor libgcc_s's
// CHECK-NOT: ATTACK SUCCEEDED
#include <bulkhead.h>
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "Inputs/key0-words.h"

BULKHEAD_DATA(vault) char vault_key[32] = "TOP-SECRET-VAULT-KEY";

/* The vault's, so that its throw is the vault's. */
static BULKHEAD_ENTRY(vault) int cookie_close(void *) { throw 7; }

/* No catch here: clang takes fclose for a libc function that cannot throw
 * and drops a try around it; the program catches (the search phase
 * passes _IO_fclose's frame with the vault's rights all the same). */
extern "C" BULKHEAD_ENTRY(vault) int vault_close(void) {
  cookie_io_functions_t io = {nullptr, nullptr, nullptr, cookie_close};
  FILE *f = fopencookie(nullptr, "w", io);
  return f ? fclose(f) : -1; /* the throw passes libc's _IO_fclose frame */
}

static char stolen[32];
static const char *volatile from = vault_key; /* key-0 words */
static char *volatile to = stolen;
extern "C" {
void *volatile real;
__attribute__((used)) void copy(void) {
  for (int i = 0; i < 31; i++)
    to[i] = from[i];
}
}
/* copy, then on to libgcc_s's routine (five arguments in registers). */
__asm__(".text\n"
        ".globl steal\n"
        ".type steal, @function\n"
        "steal:\n"
        "  pushq %rdi\n"
        "  pushq %rsi\n"
        "  pushq %rdx\n"
        "  pushq %rcx\n"
        "  pushq %r8\n"
        "  call copy\n"
        "  popq %r8\n"
        "  popq %rcx\n"
        "  popq %rdx\n"
        "  popq %rsi\n"
        "  popq %rdi\n"
        "  jmpq *real(%rip)\n"
        ".size steal, .-steal\n");

int main(int argc, char **argv) {
  (void)argv;
  setvbuf(stdout, NULL, _IONBF, 0); /* its lines before the refusal kept */
  void *first[4];
  /* glibc's own backtrace (the program's name is the runtime's): it loads
   * libgcc_s and fills glibc's table now. */
  int (*glibc_backtrace)(void **, int) =
      (int (*)(void **, int))dlsym(RTLD_NEXT, "backtrace");
  if (!glibc_backtrace || glibc_backtrace(first, 4) < 1) {
    puts("no glibc backtrace");
    return 1;
  }
  if (argc < 2) {
    void *gcc = dlopen("libgcc_s.so.1", RTLD_NOW | RTLD_NOLOAD);
#ifdef RESUME
    const char *name = "_Unwind_Resume";
#else
    const char *name = "__gcc_personality_v0";
#endif
    real = gcc ? dlsym(gcc, name) : nullptr;
    if (!real) {
      puts("no libgcc_s");
      return 1;
    }
    uintptr_t p;
    __asm__("leaq steal(%%rip), %0" : "=r"(p));
    printf("libc's words for %s: %d\n", name,
           key0_replace(glibc_mangle((uintptr_t)real), glibc_mangle(p)));
  }
  try {
    vault_close();
  } catch (int i) {
    printf("caught: %d\n", i);
  }
  if (strstr(stolen, "TOP-SECRET")) {
    printf("ATTACK SUCCEEDED: the vault's key in the program's memory: %s\n",
           stolen);
    return 0;
  }
  puts("nothing stolen");
  return 0;
}
