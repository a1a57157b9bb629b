// A compartment's table of its C++ exception blocks (runtime/exceptions.c,
// struct bh_exc_list: review 56) holds BH_EXC_MAX (4096) entries, the
// exceptions one compartment may have alive at once. The vault throws and
// keeps n exceptions (a std::exception_ptr each, in its own data), then
// rethrows each (a dependent exception: one block more while it flies):
// 4095 kept work, every one still readable; with 4096 kept, the first
// rethrow stops the process with one line naming the compartment and the
// limit, and so does the 4097th throw.
// REQUIRES: pku
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 %s -o %t
// RUN: %run %t 4095 | FileCheck %s
// RUN: not %run %t 4096 2>&1 | FileCheck %s --check-prefix=FULL
// RUN: not %run %t 4097 2>&1 | FileCheck %s --check-prefix=FULL
// CHECK: kept 4095, sum 8382465
// FULL: bulkhead: error: compartment 'vault' has 4096 C++ exceptions alive at once, the limit
// FULL-NOT: kept
#include <bulkhead.h>
#include <exception>
#include <new>
#include <stdio.h>
#include <stdlib.h>

enum { MAX = 4097 };
BULKHEAD_DATA(vault) alignas(std::exception_ptr) unsigned char
    vault_kept_bytes[MAX][sizeof(std::exception_ptr)];
#define vault_kept(i)                                                          \
  (*reinterpret_cast<std::exception_ptr *>(vault_kept_bytes[i]))

struct E {
  int v;
};

extern "C" BULKHEAD_ENTRY(vault) long vault_keep(int n) {
  for (int i = 0; i < n; i++) {
    try {
      throw E{i};
    } catch (...) {
      new (vault_kept_bytes[i]) std::exception_ptr(std::current_exception());
    }
  }
  long sum = 0;
  for (int i = 0; i < n; i++) {
    try {
      std::rethrow_exception(vault_kept(i));
    } catch (E &e) {
      sum += e.v;
    }
  }
  for (int i = 0; i < n; i++)
    vault_kept(i).~exception_ptr();
  return sum;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int n = argc > 1 ? atoi(argv[1]) : 0;
  if (n < 0 || n > MAX)
    return 2;
  long sum = vault_keep(n);
  printf("kept %d, sum %ld\n", n, sum);
  return 0;
}
