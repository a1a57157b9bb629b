/* The program linked with libvault.so: the entries work (call and
 * callback), and the vault's data, its heap and its internal helper are
 * out of reach: each fault is a protection-key fault with the vault's key.
 * With -DLOCAL the program has a compartment of its own too. */
#include "../../runtime/Inputs/check.h"
#include "vault.h"

#ifdef LOCAL
BULKHEAD_DATA(local) static int local_secret = 7;
BULKHEAD_ENTRY(local) int local_get(void) { return local_secret; }
/* The program's compartment reads the vault's key: a fault too. */
BULKHEAD_ENTRY(local) int local_peek(const volatile unsigned char *p) {
  return *p;
}
#endif

static int twice(int x) { return 2 * x; }

static const void *target;
static void read_target(void *arg) {
  (void)arg;
  printf("read %d\n", *(const volatile unsigned char *)target);
}
static void call_internal(void *arg) {
  (void)arg;
  printf("internal %d\n", vault_mix(1));
}
#ifdef LOCAL
static void local_reads(void *arg) {
  (void)arg;
  printf("local read %d\n", local_peek(target));
}
#endif

static void expect_vault_fault(const char *what, struct outcome o, int key) {
  CHECK(o.signo == SIGSEGV);
  CHECK(o.code == SEGV_PKUERR);
  CHECK(o.pkey == key);
  printf("%s: SEGV_PKUERR with the vault's key\n", what);
}

int main(int argc, char **argv) {
  if (argc > 1) { /* the runtime's own report of the fault */
    target = !strcmp(argv[1], "heap") ? (vault_sign(0), vault_heap_address())
                                      : vault_key_address();
    read_target(NULL);
    return 0;
  }
  int key = bulkhead_compartment_pkey("vault");
  CHECK(key > 0);
  CHECK(!strcmp(bulkhead_pkey_compartment(key), "vault"));
  printf("sign: %d\n", vault_sign(1));
  printf("apply: %d\n", vault_apply(twice, 5));
  CHECK(page_pkey(vault_key_address()) == key);
  CHECK(page_pkey(vault_heap_address()) == key);

  target = vault_key_address();
  expect_vault_fault("data", run_in_child(read_target, NULL), key);
  target = vault_heap_address();
  expect_vault_fault("heap", run_in_child(read_target, NULL), key);
  expect_vault_fault("internal", run_in_child(call_internal, NULL), key);
#ifdef LOCAL
  int local = bulkhead_compartment_pkey("local");
  CHECK(local > 0 && local != key);
  printf("local: %d\n", local_get());
  target = vault_key_address();
  expect_vault_fault("local reads vault", run_in_child(local_reads, NULL), key);
#endif
  return 0;
}
