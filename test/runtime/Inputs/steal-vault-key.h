/* steal-vault-key.h - `steal`, the code an attack makes a compartment's
 * exception handling jump to (as a landing pad or a handler, so with any
 * stack alignment): it copies the first 31 bytes of the test's
 * `vault_key` to stdout after "ATTACK SUCCEEDED: " and exits. Run with the
 * vault's rights the copy works; with the default domain's it faults.
 * Include after defining vault_key. */
#ifndef STEAL_VAULT_KEY_H
#define STEAL_VAULT_KEY_H
#include <unistd.h>

static char stolen[64] = "ATTACK SUCCEEDED: ";
static const char *volatile from = vault_key; /* key-0 words */
extern "C" __attribute__((used)) void take(void) {
  int n = 18;
  for (int i = 0; i < 31 && from[i]; i++)
    stolen[n++] = from[i];
  stolen[n++] = '\n';
  write(1, stolen, n);
  _exit(0);
}
__asm__(".text\n"
        ".globl steal\n"
        ".type steal, @function\n"
        "steal:\n"
        "  andq $-16, %rsp\n"
        "  call take\n"
        "  ud2\n"
        ".size steal, .-steal\n");
#endif
