/* A hardened program (the system-call filter on, the default) with a
 * compartment of its own that dlopens libvault.so (argv[1]): registration
 * runs its sequence under the filter (docs/shared-objects.md, step 6).
 * This program's mprotect, which the runtime calls for the last step
 * (making the object's code executable, piece 6), first shows what holds
 * by then: the vault is in the table of compartments with a key of its
 * own, and its data carries that key (a read faults). Then the vault's
 * heap, prepared at start-up for its key: a block faults from here with
 * that key, and the vault's malloc, realloc and free work. */
#include "../../runtime/Inputs/check.h"
#include <dlfcn.h>
#include <sys/mman.h>
#include <sys/syscall.h>

BULKHEAD_DATA(local) static int local_secret = 7;
BULKHEAD_ENTRY(local) int local_get(void) { return local_secret; }

static int loading; /* inside dlopen: the exec step is registration's */
static const void *target;

static void read_target(void *arg) {
  (void)arg;
  printf("read %d\n", *(const volatile unsigned char *)target);
}

/* Every mprotect of the process, the runtime's too, comes here. */
int mprotect(void *a, size_t len, int prot) {
  if (loading && prot & PROT_EXEC) {
    loading = 0;
    printf("exec step reached\n");
    int key = bulkhead_compartment_pkey("vault");
    CHECK(key > 0 && key != bulkhead_compartment_pkey("local"));
    CHECK(!strcmp(bulkhead_pkey_compartment(key), "vault"));
    target = object_page_with_key("libvault", key);
    CHECK(target);
    struct outcome o = run_in_child(read_target, NULL);
    CHECK(o.signo == SIGSEGV && o.code == SEGV_PKUERR && o.pkey == key);
    printf("data: SEGV_PKUERR with the vault's key\n");
    fflush(stdout);
  }
  return (int)syscall(SYS_mprotect, a, len, prot);
}

int main(int argc, char **argv) {
  CHECK(argc > 1);
  CHECK(bulkhead_compartment_pkey("vault") < 0);
  printf("local: %d\n", local_get());
  fflush(stdout);
  loading = 1;
  void *h = dlopen(argv[1], RTLD_NOW);
  if (!h) {
    printf("dlopen refused: %s\n", dlerror());
    return 2;
  }
  int (*sign)(int) = (int (*)(int))dlsym(h, "vault_sign");
  const void *(*heap_address)(void) =
      (const void *(*)(void))dlsym(h, "vault_heap_address");
  int (*cycle)(void) = (int (*)(void))dlsym(h, "vault_heap_cycle");
  CHECK(sign && heap_address && cycle);
  printf("sign: %d\n", sign(1)); /* its first malloc: the vault's heap */
  int key = bulkhead_compartment_pkey("vault");
  target = heap_address();
  CHECK(target && page_pkey(target) == key);
  struct outcome o = run_in_child(read_target, NULL);
  CHECK(o.signo == SIGSEGV && o.code == SEGV_PKUERR && o.pkey == key);
  printf("heap: SEGV_PKUERR with the vault's key\n");
  printf("heap cycle: %d\n", cycle());
  return 0;
}
