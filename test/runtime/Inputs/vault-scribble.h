/* vault-scribble.h - vault_scribble(byte): a vault entry that writes BYTE
 * over 1 KiB of its own locals, wherever its stack is: the nested or
 * second entry of the stack attacks, whose bytes the victim's frames then
 * find (or not). */
#ifndef BULKHEAD_TEST_VAULT_SCRIBBLE_H
#define BULKHEAD_TEST_VAULT_SCRIBBLE_H
#include <bulkhead.h>

BULKHEAD_ENTRY(vault) int vault_scribble(int byte) {
  volatile char buf[1024];
  for (int k = 0; k < 1024; k++)
    buf[k] = (char)byte;
  return buf[5];
}
#endif
