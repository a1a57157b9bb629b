// With a compartment's rights the unwinder parses the runtime's copies of
// each FDE, its CIE and its LSDA (runtime/unwind-copy.c): absolute
// personality and type table, the rest as the compiler wrote it. This
// checks that a compartment's catches still choose as C++ says through
// the copies: by exact type, by base class (a libstdc++ exception thrown
// inside libstdc++), catch (...), the second of several handlers, a
// rethrow, a cleanup on the way, a noexcept function's handler (ending the
// program: here only when asked; the runtime's std::terminate runs no
// handler of the program's with the vault's rights, runtime/terminate.c,
// so the line is the runtime's), nested try blocks; with and without
// optimisation, and the vault's thrown exception caught in the default
// domain.
// REQUIRES: pku
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 %s -o %t && %run %t | FileCheck %s
// RUN: %bulkhead_clangxx -fpkey-compartments -O0 %s -o %t0 && %run %t0 | FileCheck %s
// RUN: not %run %t noexcept 2>&1 | FileCheck %s --check-prefix=NOEXCEPT
// CHECK: vault: 1 2 3 4 5 6 7
// CHECK-NEXT: caught outside: 8
// NOEXCEPT-NOT: terminate: a noexcept function threw
// NOEXCEPT: bulkhead: error: std::terminate called in compartment 'vault'
#include <bulkhead.h>
#include <exception>
#include <stdexcept>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <vector>

struct A {
  int v;
};
struct B : A {};
struct C {
  int w;
};

BULKHEAD_DATA(vault) int vault_cleanups;

struct Cleanup {
  ~Cleanup() { vault_cleanups++; }
};

__attribute__((noinline)) static void thrower(int k) {
  Cleanup c;
  switch (k) {
  case 1: throw A{1};
  case 2: throw B{};
  case 3: throw 3.0;
  case 4: throw C{4};
  default: throw k;
  }
}

__attribute__((noinline)) static int rethrown(void) {
  try {
    thrower(6);
  } catch (int) {
    throw;
  }
  return 0;
}

__attribute__((noinline)) static void no_throw(void) noexcept { thrower(9); }

extern "C" BULKHEAD_ENTRY(vault) int vault_case(int k) {
  try {
    switch (k) {
    case 1:
      thrower(1);
      break;
    case 2:
      thrower(2);
      break;
    case 3:
      thrower(3);
      break;
    case 4:
      try {
        thrower(4);
      } catch (A &) {
        return -1;
      }
      break;
    case 5: {
      std::vector<int> v(1);
      return v.at(5);
    }
    case 6:
      rethrown();
      break;
    case 7:
      try {
        thrower(7);
      } catch (double) {
        return -1;
      }
      break;
    case 9:
      no_throw();
      break;
    default:
      thrower(8);
    }
  } catch (B &) {
    return 2;
  } catch (A &a) {
    return a.v;
  } catch (C &c) {
    return c.w;
  } catch (std::exception &) {
    return 5;
  } catch (int i) {
    if (i == 8)
      throw;
    return i;
  } catch (...) {
    return 3;
  }
  return 0;
}

/* Not run: the terminate is the vault's. */
static void terminated() {
  puts("terminate: a noexcept function threw");
  fflush(stdout);
  _exit(3);
}

int main(int argc, char **argv) {
  std::set_terminate(terminated);
  if (argc > 1 && !strcmp(argv[1], "noexcept"))
    vault_case(9);
  printf("vault:");
  for (int k = 1; k <= 7; k++)
    printf(" %d", vault_case(k));
  printf("\n");
  try {
    vault_case(8);
  } catch (int i) {
    printf("caught outside: %d\n", i);
  }
  return 0;
}
