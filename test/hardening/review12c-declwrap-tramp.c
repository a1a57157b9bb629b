// Review 12c, attacker B (the default domain's program counter), hardened
// default build: a compartment's pointer to a function only declared in
// its file (__bulkhead_declwrap.helper.vault, pass/Wrappers.cpp) has a
// block that calls the trampoline from the vault into the default domain.
// Jumped to from the default domain, that trampoline faults on the vault's
// key before it writes PKRU (it reads the vault's stack cookie first), so
// the jump hands out no rights; the wrapper itself holds no WRPKRU with
// per-compartment stacks, and the link passes bulkhead-scan. This held in
// review: the test keeps it so. (With -fno-pkey-compartment-stacks the
// wrapper has an inline gate back to the vault, as every wrapper there
// does: threat-model.md, "not defended".)
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 -DVAULT -c %s -o %t.v.o
// RUN: %bulkhead_clang -fpkey-compartments -O2 -c %s -o %t.d.o
// RUN: %bulkhead_clang -fpkey-compartments -O2 %t.v.o %t.d.o -o %t
// RUN: %bulkhead_scan %t
// RUN: %run %t | FileCheck %s
// CHECK: found the trampoline call
// CHECK-NEXT: SIGSEGV code 4
// CHECK-NOT: ATTACK SUCCEEDED
#include <bulkhead.h>

#ifdef VAULT
extern long helper(long);
BULKHEAD_DATA(vault) long secret = 1234;
BULKHEAD_ENTRY(vault) void *vault_ptr(void) { return (void *)helper; }
#else
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

long helper(long x) { return x + 1; }
void *vault_ptr(void);
extern long secret;
extern unsigned char declwrap[] __asm__("__bulkhead_declwrap.helper.vault");
/* The vault's scrub routine, which the block calls first (review 83a). */
extern unsigned char scrub[] __asm__("__bulkhead_scrub_vectors.0");

static void on_segv(int sig, siginfo_t *si, void *uc) {
  (void)sig, (void)uc;
  printf("SIGSEGV code %d\n", si->si_code); /* 4: SEGV_PKUERR */
  fflush(stdout);
  _exit(0);
}

int main(void) {
  struct sigaction sa = {.sa_sigaction = on_segv, .sa_flags = SA_SIGINFO};
  sigaction(SIGSEGV, &sa, NULL);
  if ((unsigned char *)vault_ptr() != declwrap)
    printf("the vault's pointer is not the declaration's wrapper\n");
  /* The wrapper's "from the vault" block: the scrub's call, then the
   * trampoline's (call rel32). */
  for (int i = 0; i < 0x80; i++)
    if (declwrap[i] == 0xe8) {
      int32_t rel;
      memcpy(&rel, declwrap + i + 1, 4);
      unsigned char *to = declwrap + i + 5 + rel;
      if (to == scrub)
        continue;
      long (*tramp)(long) = (long (*)(long))to;
      printf("found the trampoline call\n");
      fflush(stdout);
      tramp(1);
      printf("ATTACK SUCCEEDED: back with the vault's rights: %ld\n", secret);
      return 1;
    }
  printf("no trampoline call in the wrapper\n");
  return 1;
}
#endif
