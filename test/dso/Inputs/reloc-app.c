/* A program with a compartment of its own (keys at start-up) that dlopens
 * argv[1] and calls its vault_sign. */
#include <bulkhead.h>
#include <dlfcn.h>
#include <stdio.h>

BULKHEAD_DATA(local) static int local_value = 7;
BULKHEAD_ENTRY(local) int local_get(void) { return local_value; }

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  printf("local: %d\n", local_get());
  void *h = argc > 1 ? dlopen(argv[1], RTLD_NOW) : NULL;
  if (!h) {
    printf("dlopen refused: %s\n", dlerror());
    return 2;
  }
  int (*sign)(int) = (int (*)(int))dlsym(h, "vault_sign");
  printf("sign: %d\n", sign(1));
  return 0;
}
