// backtrace(3) called inside a compartment (the runtime's, runtime/unwind.c,
// which since review 58b walks with every signal blocked) lists the same
// frames as glibc's in a native build of this program: the vault's three
// functions, then its caller's, up to _start. Each frame is named by
// dladdr; the compartment's entry body (a local symbol) by its address,
// and the trampolines' frames, which only the compartment build has, are
// left out. The two lists must be the same, and the thread's signal mask
// after the walk the one before it.
// REQUIRES: pku
// RUN: %clang -I%prefix/include -O0 -rdynamic %s -o %t.native
// RUN: %t.native > %t.native.out
// RUN: %bulkhead_clang -fpkey-compartments -O0 -rdynamic %s -o %t
// RUN: %run %t > %t.out
// RUN: diff %t.native.out %t.out
// RUN: FileCheck %s < %t.out
// CHECK: frame: vault_c
// CHECK-NEXT: frame: vault_b
// CHECK-NEXT: frame: vault_a
// CHECK-NEXT: frame: app_caller
// CHECK-NEXT: frame: main
// CHECK: frame: _start
// CHECK-NEXT: signal mask as before: yes (SIGUSR2 blocked)
#define _GNU_SOURCE
#include <bulkhead.h>
#include <dlfcn.h>
#include <execinfo.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

BULKHEAD_INTERNAL(vault) __attribute__((noinline)) int vault_c(void **f, int n) {
  return backtrace(f, n);
}
BULKHEAD_INTERNAL(vault) __attribute__((noinline)) int vault_b(void **f, int n) {
  return vault_c(f, n) + 0 * n;
}
BULKHEAD_ENTRY(vault) __attribute__((noinline)) int vault_a(void **f, int n) {
  return vault_b(f, n) + 0 * n;
}
__attribute__((noinline)) int app_caller(void **f, int n) {
  return vault_a(f, n) + 0 * n;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  /* vault_a's own code: the pass's body of it, or the function natively. */
  uintptr_t a, exe;
#ifdef __BULKHEAD__
  __asm__("leaq \"__bulkhead_body.vault_a\"(%%rip), %0" : "=r"(a));
#else
  __asm__("leaq vault_a(%%rip), %0" : "=r"(a));
#endif
  Dl_info self;
  dladdr((void *)main, &self);
  exe = (uintptr_t)self.dli_fbase;
  sigset_t before, after, usr2;
  sigemptyset(&before); /* the kernel writes only its 64 signals' word */
  sigemptyset(&after);
  sigemptyset(&usr2);
  sigaddset(&usr2, SIGUSR2);
  sigprocmask(SIG_BLOCK, &usr2, &before);
  sigprocmask(SIG_BLOCK, NULL, &before);
  void *f[64];
  int n = app_caller(f, 64);
  sigprocmask(SIG_BLOCK, NULL, &after);
  for (int i = 0; i < n; i++) {
    uintptr_t p = (uintptr_t)f[i];
    Dl_info info;
    if (dladdr(f[i], &info) && info.dli_sname)
      printf("frame: %s\n", info.dli_sname);
    else if (p > a && p < a + 128)
      printf("frame: vault_a\n");
    else if (!dladdr(f[i], &info) || (uintptr_t)info.dli_fbase != exe)
      printf("frame: (unnamed, %s)\n",
             info.dli_fname && strrchr(info.dli_fname, '/')
                 ? strrchr(info.dli_fname, '/') + 1
                 : "?");
    /* else a trampoline's: the compartment build's only */
  }
  int same = 1;
  for (int s = 1; s < 65; s++)
    same &= sigismember(&before, s) == sigismember(&after, s);
  printf("signal mask as before: %s (SIGUSR2 %s)\n", same ? "yes" : "no",
         sigismember(&after, SIGUSR2) ? "blocked" : "not blocked");
  return 0;
}
