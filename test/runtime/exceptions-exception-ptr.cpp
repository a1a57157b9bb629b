// std::exception_ptr with the runtime's _M_addref, _M_release and
// std::rethrow_exception in front of libstdc++'s (runtime/exceptions.c,
// review 50): what must keep working, in one run. The default domain's
// own: make_exception_ptr, copies, current_exception, rethrow_exception
// caught in main, throw_with_nested and rethrow_if_nested (libstdc++'s
// nested_exception takes and lets go of its pointer in libstdc++'s own
// code). The vault's own, the same inside the vault, one kept across
// calls. Refused: with "other" (no compartment stacks, where an exception
// of compartment 'other' unwinds into the vault's catch), the vault takes
// a std::exception_ptr to that exception: handed to it, its pages are the
// vault's, but nothing the vault can read says so (a block handed to the
// default domain is key-0), so the process stops with one line.
// REQUIRES: pku
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 %s -o %t
// RUN: %run %t | FileCheck %s
// RUN: %bulkhead_clangxx -fpkey-compartments -O0 %s -o %t0
// RUN: %run %t0 | FileCheck %s
// RUN: %bulkhead_clangxx -fpkey-compartments -fno-pkey-compartment-stacks -O2 %s -o %ts
// RUN: %run %ts | FileCheck %s
// RUN: not %run %ts other 2>&1 | FileCheck %s --check-prefix=OTHER
// CHECK: main: 1 2 3 4
// CHECK-NEXT: main nested: 5 6
// CHECK-NEXT: vault: 11 12 13
// CHECK-NEXT: vault nested: 15 16
// CHECK-NEXT: vault kept: 17 17
// CHECK-NEXT: done
// OTHER: bulkhead: error: compartment 'vault' took a std::exception_ptr to an exception it does not own
// OTHER-NOT: vault caught
#include <bulkhead.h>
#include <exception>
#include <new>
#include <stdexcept>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utility>

struct E {
  int v;
};

/* Rethrows p and returns what it held. */
static int value_of(std::exception_ptr p) {
  try {
    std::rethrow_exception(p);
  } catch (E &e) {
    return e.v;
  }
  return -1;
}

/* Outer and inner values of a throw_with_nested. */
static void nested(int outer, int inner, int *got_outer, int *got_inner) {
  try {
    try {
      throw E{inner};
    } catch (...) {
      std::throw_with_nested(std::runtime_error(outer == 5 ? "5" : "15"));
    }
  } catch (std::runtime_error &e) {
    *got_outer = atoi(e.what());
    try {
      std::rethrow_if_nested(e);
    } catch (E &i) {
      *got_inner = i.v;
    }
  }
}

BULKHEAD_DATA(vault) int vault_out[3];
BULKHEAD_DATA(vault) alignas(std::exception_ptr) unsigned char
    vault_kept_bytes[sizeof(std::exception_ptr)];
#define vault_kept (*reinterpret_cast<std::exception_ptr *>(vault_kept_bytes))

extern "C" BULKHEAD_ENTRY(vault) int vault_own(int which) {
  std::exception_ptr a = std::make_exception_ptr(E{11});
  std::exception_ptr b = a, c;
  c = b;
  vault_out[0] = value_of(c);
  try {
    throw E{12};
  } catch (...) {
    a = std::current_exception();
  }
  vault_out[1] = value_of(a);
  b = std::make_exception_ptr(E{13});
  try {
    std::rethrow_exception(std::move(b));
  } catch (E &e) {
    vault_out[2] = e.v;
  }
  return vault_out[which];
}

extern "C" BULKHEAD_ENTRY(vault) int vault_nested(int which) {
  nested(15, 16, &vault_out[0], &vault_out[1]);
  return vault_out[which];
}

extern "C" BULKHEAD_ENTRY(vault) void vault_keep(void) {
  try {
    throw E{17};
  } catch (...) {
    new (vault_kept_bytes) std::exception_ptr(std::current_exception());
  }
}
extern "C" BULKHEAD_ENTRY(vault) int vault_use(int drop) {
  int v = value_of(vault_kept);
  if (drop)
    vault_kept.~exception_ptr();
  return v;
}

extern "C" BULKHEAD_ENTRY(other) void other_throw(int v) { throw E{v}; }
extern "C" BULKHEAD_ENTRY(vault) int vault_catch_other(void) {
  try {
    other_throw(21);
  } catch (...) {
    std::exception_ptr p = std::current_exception();
    return value_of(p);
  }
  return -1;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  if (argc > 1 && !strcmp(argv[1], "other")) {
    printf("vault caught: %d\n", vault_catch_other());
    return 0;
  }
  std::exception_ptr a = std::make_exception_ptr(E{1}), b = a, c;
  c = b;
  try {
    throw E{2};
  } catch (...) {
    b = std::current_exception();
  }
  int third = -1;
  try {
    std::rethrow_exception(std::make_exception_ptr(E{3}));
  } catch (E &e) {
    third = e.v;
  }
  std::exception_ptr d = std::make_exception_ptr(E{4});
  std::exception_ptr e = std::move(d);
  printf("main: %d %d %d %d\n", value_of(c), value_of(b), third, value_of(e));
  int o = -1, i = -1;
  nested(5, 6, &o, &i);
  printf("main nested: %d %d\n", o, i);
  printf("vault: %d %d %d\n", vault_own(0), vault_own(1), vault_own(2));
  printf("vault nested: %d %d\n", vault_nested(0), vault_nested(1));
  vault_keep();
  int first = vault_use(0);
  printf("vault kept: %d %d\n", first, vault_use(1));
  puts("done");
  return 0;
}
