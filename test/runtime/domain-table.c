// The runtime's table of compartments (runtime/domain.c, issue 14 step 1):
// after start-up it lists exactly the descriptors of the executable's
// section bulkhead_domains, in that order (the compartment index is the
// position), each from the executable (object NULL); the queries answer
// from it; its page is read-only with key 0, a store faults, and with the
// system-call filter an mprotect that would make it writable again stops
// the process. Without the filter the same mprotect works: that is what
// the filter adds (checked in the second program).
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t
// RUN: %run %t 2> %t.err | FileCheck %s
// RUN: FileCheck %s --check-prefix=ERR < %t.err
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-syscall-filter -DNO_FILTER -O2 %s -o %t.off
// RUN: %run %t.off | FileCheck %s --check-prefix=OFF
// CHECK: compartments: 3
// CHECK: mprotect: stopped by signal 9
// CHECK: table intact
// ERR: bulkhead: denied: mprotect(0x{{[0-9a-f]+}}, 0x1000, 0x3,
// OFF: compartments: 3
// OFF: mprotect: allowed
#include "Inputs/check.h"
#include "../../include/bulkhead/abi.h" /* not installed for programs */
#include <sys/mman.h>

BULKHEAD_DATA(alpha) int alpha_word = 1;
BULKHEAD_DATA(beta) int beta_word = 2;
BULKHEAD_DATA(gamma) int gamma_word = 3;
BULKHEAD_ENTRY(alpha) int alpha_get(void) { return alpha_word; }
BULKHEAD_ENTRY(beta) int beta_get(void) { return beta_word; }
BULKHEAD_ENTRY(gamma) int gamma_get(void) { return gamma_word; }

/* The layout (BH_DOMAIN_TABLE_*): count, descriptor pointers, then the
 * runtime's object names (runtime/internal.h). */
#define TABLE_MAX BH_DOMAIN_TABLE_MAX
extern char table[] __asm__("__bulkhead_domain_table");
extern char start[] __asm__("__start_" BH_SECTION_DOMAINS)
    __attribute__((weak));
extern char stop[] __asm__("__stop_" BH_SECTION_DOMAINS) __attribute__((weak));

static size_t count(void) {
  return *(volatile size_t *)(table + BH_DOMAIN_TABLE_COUNT);
}
static char *domain(size_t i) {
  return ((char *volatile *)(table + BH_DOMAIN_TABLE_DOMAINS))[i];
}
static const char *object(size_t i) {
  return ((const char *volatile *)(table + BH_DOMAIN_TABLE_DOMAINS))[TABLE_MAX +
                                                                    i];
}

/* The permissions /proc/self/maps gives the page holding p, e.g. "r--p". */
static void page_perms(const void *p, char perms[5]) {
  FILE *f = fopen("/proc/self/maps", "r");
  CHECK(f);
  char line[512];
  perms[0] = 0;
  while (fgets(line, sizeof line, f)) {
    unsigned long lo, hi;
    char pr[5];
    if (sscanf(line, "%lx-%lx %4s", &lo, &hi, pr) == 3 &&
        (uintptr_t)p >= lo && (uintptr_t)p < hi)
      memcpy(perms, pr, 5);
  }
  fclose(f);
}

static void store(void *p) { *(volatile size_t *)p = 0; }

int main(void) {
  CHECK(alpha_get() == 1 && beta_get() == 2 && gamma_get() == 3);
  size_t n = (size_t)(stop - start) / BH_DOMAIN_SIZE;
  printf("compartments: %zu\n", count());
  CHECK(n == 3 && count() == n);
  int seen = 0;
  for (size_t i = 0; i < n; i++) {
    char *d = domain(i);
    /* the section's order: the index the pass's index table uses */
    CHECK(d == start + i * BH_DOMAIN_SIZE);
    CHECK(object(i) == NULL);
    const char *name = *(const char **)(d + BH_DOMAIN_NAME);
    int pkey = *(int32_t *)(d + BH_DOMAIN_PKEY);
    seen |= !strcmp(name, "alpha") ? 1 : !strcmp(name, "beta") ? 2
            : !strcmp(name, "gamma")                          ? 4
                                                              : 8;
    CHECK(pkey > 0 && bulkhead_compartment_pkey(name) == pkey);
    CHECK(bulkhead_pkey_compartment(pkey) &&
          !strcmp(bulkhead_pkey_compartment(pkey), name));
    CHECK(bulkhead_domain_pkru(name) == *(uint32_t *)(d + BH_DOMAIN_PKRU));
  }
  CHECK(seen == 7);
  for (size_t i = n; i < TABLE_MAX; i++)
    CHECK(domain(i) == NULL);

  /* Read-only, key 0 (nothing to do with a compartment's rights). */
  char perms[5];
  page_perms(table, perms);
  CHECK(!strcmp(perms, "r--p"));
  CHECK(page_pkey(table) == 0);
  struct outcome o = run_in_child(store, table);
  CHECK(o.signo == SIGSEGV && o.code == SEGV_ACCERR &&
        o.addr == (uintptr_t)table);

  /* Writable again only by mprotect, which the filter refuses. */
  fflush(NULL);
  pid_t pid = fork();
  CHECK(pid >= 0);
  if (pid == 0) {
    if (mprotect(table, BH_PAGE, PROT_READ | PROT_WRITE) == 0) {
      *(volatile size_t *)table = 0;
      printf("mprotect: allowed\n");
      fflush(stdout);
      _exit(count() == 0 ? 0 : 2);
    }
    _exit(3);
  }
  int status;
  CHECK(waitpid(pid, &status, 0) == pid);
#ifdef NO_FILTER
  CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
#else
  CHECK(WIFSIGNALED(status));
  printf("mprotect: stopped by signal %d\n", WTERMSIG(status));
  CHECK(WTERMSIG(status) == SIGKILL);
  CHECK(count() == 3);
  printf("table intact\n");
#endif
  return 0;
}
