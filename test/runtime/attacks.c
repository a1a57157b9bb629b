// Attacks found in review, kept as regressions:
// 1. A corrupted function pointer in the default domain that points at a
//    compartment's wrapper (here the vault's qsort comparator) must not hand
//    the vault's rights to whoever calls it. The comparator is internal to
//    the vault, so its wrapper now refuses any caller without the vault's
//    rights (issue 11): called by libc's qsort from the default domain, it
//    stops the process before the comparator runs (it used to run it and
//    return to the default domain; attacks-internal-pointer.c has more).
// 2. A BULKHEAD_DATA tentative definition built with -fcommon still lands on
//    the compartment's pages.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 -fcommon %s %S/Inputs/comparator-vault.c -o %t && %run %t
// RUN: %bulkhead_clang -fpkey-compartments -O0 -fcommon %s %S/Inputs/comparator-vault.c -o %t0 && %run %t0
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-compartment-stacks -O2 -fcommon %s %S/Inputs/comparator-vault.c -o %ts && %run %ts
#include "Inputs/check.h"

BULKHEAD_ENTRY(vault) int vault_sort(void);
extern int vault_secret;
/* The attacker knows the wrapper's address (it is in the binary). */
extern int stolen(const void *, const void *) __asm__("__bulkhead_wrap.vault_cmp.vault");
typedef int (*cmp_t)(const void *, const void *);
static int my_cmp(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }
cmp_t volatile callback = my_cmp;

BULKHEAD_DATA(vault) int tentative; /* a common symbol under -fcommon */
BULKHEAD_ENTRY(vault) void set_tentative(int v) { tentative = v; }

static void corrupted_callback_then_read(void *unused) {
  (void)unused;
  callback = stolen; /* one pointer overwritten */
  int x[2] = {2, 1};
  qsort(x, 2, sizeof x[0], callback); /* must stop here */
  _exit(0);
}
/* The exit status of fn(arg) run in a child. */
static int status_in_child(void (*fn)(void *)) {
  fflush(NULL);
  pid_t pid = fork();
  CHECK(pid >= 0);
  if (pid == 0) {
    fn(NULL);
    _exit(0);
  }
  int status;
  CHECK(waitpid(pid, &status, 0) == pid);
  return status;
}
static void read_tentative(void *unused) {
  (void)unused;
  (void)*(volatile int *)&tentative;
}

int main(void) {
  int vault = bulkhead_compartment_pkey("vault");
  CHECK(vault_sort() == 1);
  CHECK(test_rdpkru() == bulkhead_domain_pkru(NULL));
  int status = status_in_child(corrupted_callback_then_read);
  CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 1);
  struct outcome o;

  set_tentative(7);
  CHECK(page_pkey(&tentative) == vault);
  o = run_in_child(read_tentative, NULL);
  CHECK(o.signo == SIGSEGV && o.code == SEGV_PKUERR && o.pkey == vault);
  printf("attacks: ok\n");
  return 0;
}
