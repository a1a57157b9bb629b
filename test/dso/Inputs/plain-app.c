/* A program built without Bulkhead that calls a library's function: run
 * against a Bulkhead-built libvault.so put in place of a plain one. */
#include "vault.h"
#include <stdio.h>

int main(void) {
  printf("sign: %d\n", vault_sign(1));
  return 0;
}
