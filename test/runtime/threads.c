// Every thread starts its start routine with the rights of the routine's own
// domain, not its creator's: a default-domain routine started from inside the
// vault cannot read vault data; a vault routine can, whoever starts it; the
// same holds for clone(2) called through libc.
// REQUIRES: pku
// The start routines that matter most are those the pass never saw (a
// third-party library's): only the runtime's pthread_create and clone
// interposers take the creator's rights away from them.
// RUN: %clang -O2 -c %S/Inputs/uninstrumented.c -o %t.plain.o
// RUN: %bulkhead_clang -fpkey-compartments -O2 -pthread %s %t.plain.o -o %t && %run %t
// RUN: %bulkhead_clang -fpkey-compartments -O0 -pthread %s %t.plain.o -o %t0 && %run %t0
#include "Inputs/check.h"
#include <pthread.h>
#include <sched.h>
#include <sys/mman.h>

BULKHEAD_DATA(vault) static int secret = 31337;

struct report {
  uint32_t pkru;
  int value;
};

/* Default-domain routines: note the rights they got. */
static void *default_routine(void *p) {
  ((struct report *)p)->pkru = test_rdpkru();
  return NULL;
}
static void *default_reader(void *p) {
  (void)p;
  return (void *)(intptr_t)secret; /* faults: no vault rights here */
}
/* A vault routine: runs in the vault whoever starts the thread. */
BULKHEAD_ENTRY(vault) void *vault_routine(void *p) {
  struct report *r = p;
  r->pkru = test_rdpkru();
  r->value = secret;
  return NULL;
}

BULKHEAD_ENTRY(vault) int vault_spawn(void *(*routine)(void *), void *arg) {
  pthread_t t;
  if (pthread_create(&t, NULL, routine, arg))
    return -1;
  return pthread_join(t, NULL);
}
BULKHEAD_ENTRY(vault) int vault_spawn_own(struct report *r) {
  return vault_spawn(vault_routine, r);
}

void *uninstrumented_routine(void *p);
int uninstrumented_clone_child(void *p);
BULKHEAD_ENTRY(vault) int vault_clone(struct report *r) {
  size_t size = 1 << 16;
  char *stack = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (stack == MAP_FAILED)
    return -1;
  int tid = clone(uninstrumented_clone_child, stack + size, CLONE_VM | SIGCHLD, r);
  int status;
  return tid > 0 && waitpid(tid, &status, 0) == tid ? 0 : -1;
}

static void spawn_reader_from_vault(void *unused) {
  (void)unused;
  vault_spawn(default_reader, NULL);
}

int main(void) {
  uint32_t dflt = bulkhead_domain_pkru(NULL), in_vault = bulkhead_domain_pkru("vault");
  struct report r = {0, 0};

  /* From the default domain: a default routine and a vault routine. */
  pthread_t t;
  CHECK(pthread_create(&t, NULL, default_routine, &r) == 0 && pthread_join(t, NULL) == 0);
  CHECK(r.pkru == dflt);
  memset(&r, 0, sizeof r);
  CHECK(pthread_create(&t, NULL, vault_routine, &r) == 0 && pthread_join(t, NULL) == 0);
  CHECK(r.pkru == in_vault && r.value == 31337);

  /* From inside the vault: a default routine gets default rights only, and
   * so does a routine the pass never saw... */
  memset(&r, 0, sizeof r);
  CHECK(vault_spawn(default_routine, &r) == 0);
  CHECK(r.pkru == dflt);
  memset(&r, 0, sizeof r);
  CHECK(vault_spawn(uninstrumented_routine, &r) == 0);
  CHECK(r.pkru == dflt);
  struct outcome o = run_in_child(spawn_reader_from_vault, NULL);
  CHECK(o.signo == SIGSEGV && o.code == SEGV_PKUERR &&
        o.pkey == bulkhead_compartment_pkey("vault"));
  /* ...and a vault routine its vault rights. */
  memset(&r, 0, sizeof r);
  CHECK(vault_spawn_own(&r) == 0);
  CHECK(r.pkru == in_vault && r.value == 31337);

  /* clone(2) through libc from inside the vault, with a routine the pass
   * never saw. */
  memset(&r, 0, sizeof r);
  CHECK(vault_clone(&r) == 0);
  CHECK(r.pkru == dflt);

  CHECK(test_rdpkru() == dflt);
  printf("threads: ok\n");
  return 0;
}
