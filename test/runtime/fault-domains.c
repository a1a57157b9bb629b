// The SIGSEGV reporter names the domain that was running when the fault
// happened, read from the PKRU the kernel saved in the signal frame: a NULL
// or wild access in compartment code names the compartment, a protection-key
// fault names both the key's owner and the domain that tried, and code that
// runs with no domain's PKRU is reported as such. A general-protection
// fault (non-canonical address) carries no address but names the domain. A SIGSEGV sent with kill()
// is not a fault: the process dies of it without a report.
// no_domain_null's raw WRPKRU is on purpose: allowed in asm, and the link is
// not scanned.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -fpkey-asm-allow=%S/Inputs/fault-domains.asm-allow -fno-pkey-link-scan -O2 %s -o %t
// RUN: %run %t > %t.out 2> %t.err
// RUN: FileCheck %s < %t.err
// With shared stacks (-fno-pkey-compartment-stacks) the reports are the same:
// RUN: %bulkhead_clang -fpkey-compartments -fpkey-asm-allow=%S/Inputs/fault-domains.asm-allow -fno-pkey-link-scan -fno-pkey-compartment-stacks -O2 %s -o %ts
// RUN: %run %ts > %ts.out 2> %ts.err
// RUN: FileCheck %s < %ts.err
#include "Inputs/check.h"
#include <sys/mman.h>

BULKHEAD_DATA(vault) static volatile int secret = 7;
static int *volatile null_ptr; /* volatile: the compiler cannot see NULL */
static volatile int *read_only;

BULKHEAD_ENTRY(vault) void vault_null(void) { (void)*(volatile int *)null_ptr; }
BULKHEAD_ENTRY(vault) void vault_wild_write(void) { *read_only = 1; }
static int *volatile non_canonical = (int *)0x8000000000000000ull;
BULKHEAD_ENTRY(vault) void vault_non_canonical(void) { (void)*(volatile int *)non_canonical; }
BULKHEAD_ENTRY(vault) volatile int *vault_secret(void) { return &secret; }
BULKHEAD_ENTRY(other) void other_reads(volatile int *p) { (void)*p; }
static void default_null(void) { (void)*(volatile int *)null_ptr; }
static void default_reads_vault(void) { (void)*vault_secret(); }
static void other_reads_vault(void) { other_reads(vault_secret()); }
/* As an unwrapped signal handler would: PKRU is the kernel's default. */
static void no_domain_null(void) {
  __asm__ volatile("wrpkru" ::"a"(0x55555554u), "c"(0), "d"(0) : "memory");
  (void)*(volatile int *)null_ptr;
}
static void sent_segv(void) { kill(getpid(), SIGSEGV); }

/* Runs fn in a child that keeps the runtime's reporter; it must die of
 * SIGSEGV. The markers order the child's report within stderr. */
static void expect_segv(const char *name, void (*fn)(void)) {
  fprintf(stderr, "== %s\n", name);
  fflush(NULL);
  pid_t pid = fork();
  CHECK(pid >= 0);
  if (pid == 0) {
    fn();
    _exit(0);
  }
  int status;
  CHECK(waitpid(pid, &status, 0) == pid);
  CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV);
  fprintf(stderr, "== %s: died of SIGSEGV\n", name);
}

int main(void) {
  read_only = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(read_only != MAP_FAILED);
  fprintf(stderr, "read-only page %p, vault pkey %d\n", (void *)read_only,
          bulkhead_compartment_pkey("vault"));
  expect_segv("vault null", vault_null);
  expect_segv("vault wild write", vault_wild_write);
  expect_segv("vault non-canonical", vault_non_canonical);
  expect_segv("default null", default_null);
  expect_segv("default reads vault", default_reads_vault);
  expect_segv("other reads vault", other_reads_vault);
  expect_segv("no domain", no_domain_null);
  expect_segv("sent", sent_segv);
  return 0;
}
// CHECK: read-only page 0x[[RO:[0-9a-f]+]], vault pkey [[KEY:[0-9]+]]

// CHECK-LABEL: == vault null
// CHECK-NEXT: bulkhead: SIGSEGV (address not mapped) at address 0x0 in compartment 'vault'{{$}}
// CHECK-NEXT: == vault null: died of SIGSEGV
// CHECK-LABEL: == vault wild write
// CHECK-NEXT: bulkhead: SIGSEGV (invalid permissions) at address 0x[[RO]] in compartment 'vault'{{$}}
// CHECK-NEXT: == vault wild write: died of SIGSEGV
// CHECK-LABEL: == vault non-canonical
// CHECK-NEXT: bulkhead: SIGSEGV (general protection, or no room for a signal frame) in compartment 'vault'{{$}}
// CHECK-NEXT: == vault non-canonical: died of SIGSEGV
// CHECK-LABEL: == default null
// CHECK-NEXT: bulkhead: SIGSEGV (address not mapped) at address 0x0 in the default domain{{$}}
// CHECK-NEXT: == default null: died
// CHECK-LABEL: == default reads vault
// CHECK-NEXT: bulkhead: protection-key fault: access to 0x{{[0-9a-f]+}} in compartment 'vault' (pkey [[KEY]]) from the default domain{{$}}
// CHECK-NEXT: bulkhead:   the address is in the data of compartment 'vault'{{$}}
// CHECK-NEXT: bulkhead:   at default_reads_vault+
// CHECK:      == default reads vault: died
// CHECK-LABEL: == other reads vault
// CHECK-NEXT: bulkhead: protection-key fault: access to 0x{{[0-9a-f]+}} in compartment 'vault' (pkey [[KEY]]) from compartment 'other'{{$}}
// CHECK-NEXT: bulkhead:   the address is in the data of compartment 'vault'{{$}}
// CHECK-NEXT: bulkhead:   at {{.*}}other_reads+
// CHECK:      == other reads vault: died
// CHECK-LABEL: == no domain
// CHECK-NEXT: bulkhead: SIGSEGV (address not mapped) at address 0x0 in code running with PKRU 0x55555554, which is no domain's{{$}}
// CHECK-NEXT: == no domain: died
// CHECK-LABEL: == sent
// CHECK-NEXT: == sent: died of SIGSEGV
