// Review finding (issue 9 work): a corrupted function pointer in
// default-domain code aimed at code that returns with a compartment's
// rights (here the runtime's bh_enter_index) must not leave the caller with
// them. Attacker model: key-0 loads and stores only (three word writes).
// Default code re-enters the default domain after each pointer call
// (__bulkhead_reenter_default), so the copy that follows faults instead of
// leaking. With and without per-compartment stacks.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: not %run %t > %t.out 2>&1; FileCheck %s < %t.out
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-compartment-stacks -O2 %s -o %t.ss
// RUN: not %run %t.ss > %t.ss.out 2>&1; FileCheck %s < %t.ss.out
// CHECK: vault_check: 1
// CHECK-NOT: TOP-SECRET
// CHECK: bulkhead: protection-key fault: {{.*}} in compartment 'vault' {{.*}} from the default domain
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bulkhead.h>

BULKHEAD_DATA(vault) static char secret[32] = "TOP-SECRET-VAULT-KEY-0123456789";
BULKHEAD_ENTRY(vault) int vault_check(const char *s) { return strncmp(s, secret, 4) == 0; }

// ---- the victim: ordinary default-domain code --------------------------
struct job { void (*done)(long); long arg; const char *src; char out[32]; };
static void report_done(long code) { (void)code; }
static struct job the_job = {report_done, 7, "hello", ""};
__attribute__((noinline)) static void run_job(struct job *j) {
  j->done(j->arg);                 /* indirect call from default code */
  memcpy(j->out, j->src, 31);      /* then an ordinary copy */
  printf("job output: %.31s\n", j->out);
}

// ---- the attacker: only key-0 data writes ------------------------------
extern void bh_enter_index(int) __asm__("__bulkhead_enter_index")
    __attribute__((visibility("hidden")));
int main(void) {
  printf("vault_check: %d\n", vault_check("TOP-"));
  fflush(stdout);
  /* Corruption (three word writes into key-0 data). Addresses of code and
   * of the secret are known to an attacker who can read the binary. */
  the_job.done = (void (*)(long))bh_enter_index;
  the_job.arg = 0;                 /* the vault's index: first descriptor */
  the_job.src = secret;            /* just an address, no access */
  run_job(&the_job);
  return 0;
}
