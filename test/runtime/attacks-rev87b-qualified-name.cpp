// Review 87b, attacker model B (the default domain's program counter: its
// code reads the registers a call out gives it). A record's layout is
// found by name (pass/RecordLayouts.cpp relateByName) where no variable,
// sret or return describes its type: here the vault passes a record from
// its heap by value to the default domain, through clang's argument
// temporary. Names with ':' were never matched, and C++ gives one to
// every record in a namespace or class ("struct.ns::flags",
// "struct.Outer::flags"); a class template's IR name lacks the debug
// name's arguments (struct.tflags for tflags<int>). The bits 24-31 of
// {unsigned a:4; unsigned b:20; int c;} are no field's; the vault's key
// word copied over the record stayed there, and the default domain's sink
// got its byte 3 in rdi. ATTACK SUCCEEDED 3 of 3 in the guest before, -O2
// (each of the three records; -O0 kept them, 0 of 3). Fixed: a record's
// qualified name, as the IR has it, is matched (template arguments left
// off its own name; of two specializations, neither).
// REQUIRES: pku
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 %s -o %t
// RUN: %run %t | FileCheck %s
// RUN: %bulkhead_clangxx -fpkey-compartments -O0 %s -o %t0
// RUN: %run %t0 | FileCheck %s
// CHECK: namespace: fields ok
// CHECK: nested: fields ok
// CHECK: template: fields ok
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: key bits in the unused bits: no
#include "Inputs/check.h"
#include "Inputs/vault-word.h"

namespace ns {
struct flags { /* bits 24-31 of the first word: no field's */
  unsigned a : 4;
  unsigned b : 20;
  int c;
};
} // namespace ns
struct Outer {
  struct flags {
    unsigned a : 4;
    unsigned b : 20;
    int c;
  };
};
template <class T> struct tflags {
  unsigned a : 4;
  unsigned b : 20;
  T c;
};

/* The attacker's code in the default domain: its argument's bytes. */
uint64_t seen[3];
int ok[3];
template <class R> static void keep(int i, const R &r) {
  memcpy(&seen[i], &r, 8);
  ok[i] = r.a == 1 && r.b == 2 && r.c == 3;
}
__attribute__((noinline)) void sink_ns(ns::flags r) { keep(0, r); }
__attribute__((noinline)) void sink_nested(Outer::flags r) { keep(1, r); }
__attribute__((noinline)) void sink_template(tflags<int> r) { keep(2, r); }

BULKHEAD_DATA(vault) void *vault_heap;

template <class R> static R *vault_record(void) {
  if (!vault_heap)
    vault_heap = malloc(64); /* the vault's heap */
  uint64_t w = vault_word(vault_i);
  memcpy(vault_heap, &w, 8);
  R *r = (R *)vault_heap;
  r->a = 1;
  r->b = 2;
  r->c = 3;
  return r;
}

BULKHEAD_ENTRY(vault) void vault_give(void) {
  sink_ns(*vault_record<ns::flags>());
  sink_nested(*vault_record<Outer::flags>());
  sink_template(*vault_record<tflags<int>>());
}

int main() {
  setvbuf(stdout, NULL, _IONBF, 0);
  vault_give();
  static const char *const what[] = {"namespace", "nested", "template"};
  static const char key[] = KEY; /* rebuilt: main cannot read the vault's */
  int found = 0;
  for (int i = 0; i < 3; ++i) {
    printf("%s: fields %s\n", what[i], ok[i] ? "ok" : "wrong");
    if (((const char *)&seen[i])[3] == key[11]) {
      printf("ATTACK SUCCEEDED: the key word's byte 3 (%s)\n", what[i]);
      found = 1;
    }
  }
  printf("key bits in the unused bits: %s\n", found ? "yes" : "no");
  return 0;
}
