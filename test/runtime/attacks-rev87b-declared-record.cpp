// Review 87b, attacker model B (the default domain's program counter: it
// reads the registers and memory a compartment's return leaves). The
// record layouts of pass/RecordLayouts.cpp come from debug information,
// which bulkhead-clang asked for as "limited" and the user's -g gives as
// "constructor": both describe a class only by a declaration where
// another file defines its key function (its vtable's home) or a
// constructor (-g's homing), and with no layout the pass masked only the
// IR type's padding. The bits 24-31 after {unsigned a:4; unsigned b:20}
// are no field's; the vault's key word copied over the record stayed
// there: in rax for the class with a constructor elsewhere (built with
// -g), in the caller's sret memory for the one with a virtual function
// (any build). ATTACK SUCCEEDED in the guest before: 3 of 3 with -g (both),
// 3 of 3 without (the virtual one). Fixed: the driver asks for standalone
// debug information, which describes every class a file uses.
// REQUIRES: pku
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 -DOTHER_FILE -c %s -o %t.o
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 %s %t.o -o %t
// RUN: %run %t | FileCheck %s
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 -g %s %t.o -o %tg
// RUN: %run %tg | FileCheck %s
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 -g -fno-standalone-debug %s %t.o -o %tn
// RUN: %run %tn | FileCheck %s
// CHECK: constructor elsewhere: fields ok
// CHECK: virtual: fields ok
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: key bits in the unused bits: no
#include "Inputs/check.h"

struct built { /* bits 24-31 of the first word: no field's */
  built();     /* defined in the other file */
  unsigned a : 4;
  unsigned b : 20;
  int c;
};
struct dyn {
  virtual void f(); /* the key function: defined in the other file */
  unsigned a : 4;
  unsigned b : 20;
  int c;
};

#ifdef OTHER_FILE
built::built() {}
void dyn::f() {}
#else
#include "Inputs/vault-word.h"

BULKHEAD_ENTRY(vault) built vault_built(void) {
  uint64_t w = vault_word(vault_i);
  built r;
  memcpy((void *)&r, &w, 8);
  r.a = 1;
  r.b = 2;
  r.c = 3;
  return r;
}

BULKHEAD_ENTRY(vault) dyn vault_dyn(void) {
  uint64_t w = vault_word(vault_i);
  dyn r;
  memcpy((char *)&r + 8, &w, 8); /* past the vtable pointer */
  r.a = 1;
  r.b = 2;
  r.c = 3;
  return r;
}

uint64_t seen_built;
extern "C" void call_built(void);
__asm__(".text\n"
        ".globl call_built\n"
        "call_built:\n"
        "  pushq %rbx\n"
        "  call _Z11vault_builtv\n"
        "  movq %rax, seen_built(%rip)\n"
        "  popq %rbx\n"
        "  ret\n");

int main() {
  setvbuf(stdout, NULL, _IONBF, 0);
  call_built();
  built b;
  memcpy((void *)&b, &seen_built, 8);
  printf("constructor elsewhere: fields %s\n",
         b.a == 1 && b.b == 2 && b.c == 3 ? "ok" : "wrong");
  dyn d = vault_dyn(); /* the default domain's memory: sret */
  printf("virtual: fields %s\n",
         d.a == 1 && d.b == 2 && d.c == 3 ? "ok" : "wrong");
  static const char key[] = KEY; /* rebuilt: main cannot read the vault's */
  int found = 0;
  if (((const char *)&seen_built)[3] == key[11]) {
    printf("ATTACK SUCCEEDED: the key word's byte 3 in rax\n");
    found = 1;
  }
  if (((const char *)&d)[11] == key[11]) {
    printf("ATTACK SUCCEEDED: the key word's byte 3 in the sret memory\n");
    found = 1;
  }
  printf("key bits in the unused bits: %s\n", found ? "yes" : "no");
  return 0;
}
#endif
