// A compartment stack outlives its thread: the next thread to take it must
// start with libstdc++'s per-thread exception state empty in that
// compartment (runtime/unwind-copy.c, owned), as a new thread does
// natively. The first thread leaves the vault by longjmp out of a cleanup
// while an exception is in flight (it stays counted uncaught on that
// thread) and out of a catch (it stays the thread's caught exception);
// the second, which takes the stack the first gave back, asks the vault.
// Before the fix it saw "uncaught 1, an exception caught": the first
// thread's, whose object it could rethrow with `throw;`.
// REQUIRES: pku
// RUN: %bulkhead_clangxx -fpkey-compartments -O1 -pthread %s -o %t
// RUN: %run %t | FileCheck %s
// RUN: %bulkhead_clangxx -fpkey-compartments -O0 -pthread %s -o %t0
// RUN: %run %t0 | FileCheck %s
// CHECK: main: uncaught 0, no exception caught
// CHECK-NEXT: first thread, out of a cleanup: uncaught 1, no exception caught
// CHECK-NEXT: first thread, out of a catch: uncaught 1, an exception caught
// CHECK-NEXT: second thread: uncaught 0, no exception caught
// CHECK-NEXT: main: uncaught 0, no exception caught
#include <bulkhead.h>
#include <exception>
#include <pthread.h>
#include <setjmp.h>
#include <stdio.h>

BULKHEAD_DATA(vault) jmp_buf vault_back;

extern "C" BULKHEAD_ENTRY(vault) void vault_state(const char *who) {
  printf("%s: uncaught %d, %s\n", who, std::uncaught_exceptions(),
         std::current_exception() ? "an exception caught"
                                  : "no exception caught");
}

/* Leaves its scope by longjmp while the vault's exception is in flight. */
struct JumpsBack {
  ~JumpsBack() { longjmp(vault_back, 1); }
};

extern "C" BULKHEAD_ENTRY(vault) void vault_leave_in_flight(void) {
  if (setjmp(vault_back))
    return;
  try {
    JumpsBack j;
    throw 1;
  } catch (int) {
  }
}

extern "C" BULKHEAD_ENTRY(vault) void vault_leave_caught(void) {
  if (setjmp(vault_back))
    return;
  try {
    throw 2;
  } catch (int) {
    longjmp(vault_back, 1);
  }
}

static void *first(void *) {
  vault_leave_in_flight();
  vault_state("first thread, out of a cleanup");
  vault_leave_caught();
  vault_state("first thread, out of a catch");
  return NULL;
}

static void *second(void *) {
  vault_state("second thread");
  return NULL;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  vault_state("main");
  pthread_t t;
  pthread_create(&t, NULL, first, NULL);
  pthread_join(t, NULL);
  pthread_create(&t, NULL, second, NULL);
  pthread_join(t, NULL);
  vault_state("main");
  return 0;
}
