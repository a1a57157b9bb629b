/* dlopens the library named by argv[1] and calls its vault_sign. */
#include <dlfcn.h>
#include <stdio.h>

int main(int argc, char **argv) {
  void *h = argc > 1 ? dlopen(argv[1], RTLD_NOW) : NULL;
  if (!h) {
    printf("dlopen refused: %s\n", dlerror());
    return 2;
  }
  int (*sign)(int) = (int (*)(int))dlsym(h, "vault_sign");
  printf("sign: %d\n", sign(1));
  return 0;
}
