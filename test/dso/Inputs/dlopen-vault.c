/* A program with a compartment of its own (so its runtime sets up keys at
 * start-up) that dlopens libvault.so (argv[1]) after start-up: the entries
 * work through dlsym'd pointers (the thunks), the vault's data and heap
 * fault from the program with the vault's key, its internal helper refuses
 * the program, and after dlclose a second dlopen gives the same, working
 * object (-z nodelete). argv[2] "data" or "heap": read it and let the
 * runtime report the fault; "also" PATH: then dlopen PATH too. */
#include "../../runtime/Inputs/check.h"
#include <dlfcn.h>
#include <pthread.h>

BULKHEAD_DATA(local) static int local_secret = 7;
BULKHEAD_ENTRY(local) int local_get(void) { return local_secret; }

static int (*sign)(int);
static const void *(*key_address)(void);
static const void *(*heap_address)(void);
static int (*mix)(int);
static const void *target;

static void *load(const char *path) {
  void *h = dlopen(path, RTLD_NOW);
  if (!h) {
    printf("dlopen refused: %s\n", dlerror());
    exit(2);
  }
  sign = (int (*)(int))dlsym(h, "vault_sign");
  key_address = (const void *(*)(void))dlsym(h, "vault_key_address");
  heap_address = (const void *(*)(void))dlsym(h, "vault_heap_address");
  mix = (int (*)(int))dlsym(h, "vault_mix");
  CHECK(sign && key_address && heap_address && mix);
  return h;
}

/* A thread started before the dlopen, which calls the vault after it:
 * its static TLS (the vault's stack slot) was set up by glibc at the
 * dlopen, and it gets a vault stack of its own. */
static pthread_barrier_t loaded;
static int thread_result;
static void *early_thread(void *arg) {
  (void)arg;
  pthread_barrier_wait(&loaded);
  thread_result = sign(3);
  return NULL;
}

static void read_target(void *arg) {
  (void)arg;
  printf("read %d\n", *(const volatile unsigned char *)target);
}
static void call_internal(void *arg) {
  (void)arg;
  printf("internal %d\n", mix(1));
}

static void expect_vault_fault(const char *what, struct outcome o, int key) {
  CHECK(o.signo == SIGSEGV);
  CHECK(o.code == SEGV_PKUERR);
  CHECK(o.pkey == key);
  printf("%s: SEGV_PKUERR with the vault's key\n", what);
}

int main(int argc, char **argv) {
  CHECK(argc > 1);
  CHECK(bulkhead_compartment_pkey("vault") < 0);
  pthread_t early;
  CHECK(pthread_barrier_init(&loaded, NULL, 2) == 0);
  CHECK(pthread_create(&early, NULL, early_thread, NULL) == 0);
  void *h = load(argv[1]);
  pthread_barrier_wait(&loaded);
  CHECK(pthread_join(early, NULL) == 0);
  if (argc > 3 && !strcmp(argv[2], "also")) {
    printf("sign: %d\n", sign(1));
    fflush(stdout);
    load(argv[3]);
    printf("second object loaded\n");
    return 0;
  }
  if (argc > 2) { /* the runtime's own report of the fault */
    target =
        !strcmp(argv[2], "heap") ? (sign(0), heap_address()) : key_address();
    read_target(NULL);
    return 0;
  }
  int key = bulkhead_compartment_pkey("vault");
  CHECK(key > 0 && key != bulkhead_compartment_pkey("local"));
  CHECK(!strcmp(bulkhead_pkey_compartment(key), "vault"));
  printf("sign: %d\n", sign(1));
  printf("early thread: %d\n", thread_result);
  CHECK(page_pkey(key_address()) == key);
  CHECK(page_pkey(heap_address()) == key);
  target = key_address();
  expect_vault_fault("data", run_in_child(read_target, NULL), key);
  target = heap_address();
  expect_vault_fault("heap", run_in_child(read_target, NULL), key);
  expect_vault_fault("internal", run_in_child(call_internal, NULL), key);
  printf("local: %d\n", local_get());

  CHECK(dlclose(h) == 0);
  void *again = load(argv[1]);
  CHECK(again == h);
  CHECK(bulkhead_compartment_pkey("vault") == key);
  printf("again: %d\n", sign(2));
  target = key_address();
  expect_vault_fault("data again", run_in_child(read_target, NULL), key);
  return 0;
}
