// Issue 11: a compartment's C++ exception comes from its own heap (pages of
// their own, its key) and is handed to the domain whose landing pad it
// reaches (runtime/exceptions.c). What must keep working, in one run:
// a throw in the vault caught in main reads the thrown object, and
// std::uncaught_exceptions() is 0 in main's catch and after; a throw
// caught in the vault and rethrown (`throw;`) to main; a
// std::exception_ptr kept in the vault and rethrown inside it; 5000
// throws from the vault caught in main (the given blocks come back to the
// vault's heap: its list holds 128, its table 4096); without compartment stacks, a
// thread cancelled inside the vault (glibc's forced unwind passes landing
// pads of both domains) and a throw from the vault caught in compartment
// 'other', which called the vault (with them, the first dies in glibc's
// handler and the thrower's unwinder cannot read the second's stack). The
// exception object, while the vault holds it, is not key-0 memory
// (ProtectionKey of its page in /proc/self/smaps, read by main), and in
// main's catch it is. With "escape": the vault's exception leaves it while the vault keeps
// a std::exception_ptr to it: the process stops with one line.
// REQUIRES: pku
// RUN: %bulkhead_clangxx -fpkey-compartments -O2 -pthread %s -o %t
// RUN: %run %t | FileCheck %s
// RUN: not %run %t escape 2>&1 | FileCheck %s --check-prefix=ESCAPE
// RUN: %bulkhead_clangxx -fpkey-compartments -O0 -pthread %s -o %t0
// RUN: %run %t0 | FileCheck %s
// RUN: %bulkhead_clangxx -fpkey-compartments -fno-pkey-compartment-stacks -DOTHER -O2 -pthread %s -o %ts
// RUN: %run %ts | FileCheck %s --check-prefixes=CHECK,OTHER
// CHECK: vault's exception: key 0 no
// CHECK-NEXT: caught in main: 7 seven, key 0 yes, uncaught 0
// CHECK-NEXT: after: uncaught 0
// CHECK-NEXT: rethrown to main: 8
// CHECK-NEXT: exception_ptr in the vault: 9
// CHECK-NEXT: many: 5000
// OTHER-NEXT: cancelled: yes, cleanups 1 1
// OTHER-NEXT: caught in other: 11
// CHECK-NEXT: done
// ESCAPE: saved in the vault
// ESCAPE: bulkhead: error: an exception of compartment 'vault' leaves it for the default domain while it keeps a std::exception_ptr to it
#include <bulkhead.h>
#include <exception>
#include <pthread.h>
#include <unistd.h>
#include <new>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct E {
  int v;
  char what[20];
};

/* The protection key of the page holding p, from /proc/self/smaps. */
static int key_of(const void *p) {
  FILE *f = fopen("/proc/self/smaps", "r");
  char line[512];
  uintptr_t lo = 0, hi = 0, a = (uintptr_t)p;
  int key = -1, in = 0;
  while (f && fgets(line, sizeof line, f)) {
    uintptr_t l, h;
    if (sscanf(line, "%lx-%lx ", &l, &h) == 2 && strchr(line, '-') < strchr(line, ' ')) {
      lo = l, hi = h, in = a >= lo && a < hi;
      continue;
    }
    if (in && sscanf(line, "ProtectionKey: %d", &key) == 1)
      break;
  }
  if (f)
    fclose(f);
  return key;
}

BULKHEAD_DATA(vault) const void *vault_caught;
BULKHEAD_DATA(vault) alignas(std::exception_ptr) unsigned char
    vault_saved_bytes[sizeof(std::exception_ptr)];
#define vault_saved (*reinterpret_cast<std::exception_ptr *>(vault_saved_bytes))

/* With probe, first one the vault catches itself: where it was. */
extern "C" BULKHEAD_ENTRY(vault) void vault_throw(int v, int probe) {
  if (probe) {
    try {
      throw E{v, "seven"};
    } catch (E &e) {
      vault_caught = &e;
    }
  }
  throw E{v, "seven"};
}

extern "C" BULKHEAD_ENTRY(vault) const void *vault_caught_at(void) {
  return vault_caught;
}

extern "C" BULKHEAD_ENTRY(vault) void vault_rethrow(int v) {
  try {
    throw E{v, "eight"};
  } catch (E &e) {
    e.v++;
    throw;
  }
}

extern "C" BULKHEAD_ENTRY(vault) int vault_keep(int v, int out) {
  try {
    throw E{v, "nine"};
  } catch (...) {
    new (vault_saved_bytes) std::exception_ptr(std::current_exception());
  }
  if (out)
    std::rethrow_exception(vault_saved); /* leaves with the vault's pointer */
  int r = 0;
  try {
    std::rethrow_exception(vault_saved);
  } catch (E &e) {
    r = e.v;
  }
  vault_saved.~exception_ptr();
  return r;
}

/* A thread cancelled inside the vault: glibc's forced unwind passes the
 * vault's cleanup and the thread function's, both landing pads. */
BULKHEAD_DATA(vault) int vault_cleaned;
struct VaultGuard {
  ~VaultGuard() { vault_cleaned++; }
};
extern "C" BULKHEAD_ENTRY(vault) void vault_wait(void) {
  VaultGuard g;
  for (;;)
    usleep(1000);
}
extern "C" BULKHEAD_ENTRY(vault) int vault_cleanups(void) {
  return vault_cleaned;
}
static int main_cleaned;
struct MainGuard {
  ~MainGuard() { main_cleaned++; }
};
static void *waiter(void *) {
  MainGuard g;
  vault_wait();
  return NULL;
}

#ifdef OTHER
BULKHEAD_DATA(other) int other_seen;
extern "C" BULKHEAD_ENTRY(other) int other_catch(int v) {
  try {
    vault_throw(v, 0);
  } catch (E &e) {
    other_seen = e.v;
  }
  return other_seen;
}
#endif

/* Only without compartment stacks: with them glibc's cancellation
 * handler, installed past the runtime, runs on the vault's stack and dies
 * there (docs/runtime.md, "Not guaranteed"). */
static void cancel(void) {
  pthread_t t;
  void *ret = NULL;
  pthread_create(&t, NULL, waiter, NULL);
  usleep(100000);
  pthread_cancel(t);
  pthread_join(t, &ret);
  printf("cancelled: %s, cleanups %d %d\n",
         ret == PTHREAD_CANCELED ? "yes" : "no", vault_cleanups(),
         main_cleaned);
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  if (argc > 1 && !strcmp(argv[1], "cancel")) {
    cancel();
    return 0;
  }
  if (argc > 1 && !strcmp(argv[1], "escape")) {
    puts("saved in the vault");
    try {
      vault_keep(1, 1);
    } catch (E &e) {
      printf("caught the escaped exception: %d\n", e.v);
    }
    return 0;
  }
  try {
    vault_throw(7, 1);
  } catch (E &e) {
    printf("vault's exception: key 0 %s\n",
           key_of(vault_caught_at()) == 0 ? "yes" : "no");
    printf("caught in main: %d %s, key 0 %s, uncaught %d\n", e.v, e.what,
           key_of(&e) == 0 ? "yes" : "no", std::uncaught_exceptions());
  }
  printf("after: uncaught %d\n", std::uncaught_exceptions());
  try {
    vault_rethrow(7);
  } catch (E &e) {
    printf("rethrown to main: %d\n", e.v);
  }
  printf("exception_ptr in the vault: %d\n", vault_keep(9, 0));
  int n = 0;
  for (int i = 0; i < 5000; i++) {
    try {
      vault_throw(i, 0);
    } catch (E &e) {
      n += e.v == i;
    }
  }
  printf("many: %d\n", n);
#ifdef OTHER
  cancel();
#endif
#ifdef OTHER
  printf("caught in other: %d\n", other_catch(11));
#endif
  puts("done");
  return 0;
}
