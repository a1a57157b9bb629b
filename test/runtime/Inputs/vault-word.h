/* vault-word.h - the vault of the attacks on what a result or argument
 * carries beside its value (narrow results, struct padding): a key of two
 * 8-byte words that appear nowhere else, and vault_word, which reads one
 * of them (vault_i, volatile: the compiler cannot tell which). The vault
 * then gives part of the word on purpose (a truncation, a struct's check
 * byte), and the attack looks for the rest. After Inputs/check.h. */
#ifndef BULKHEAD_TEST_VAULT_WORD_H
#define BULKHEAD_TEST_VAULT_WORD_H

#define KEY "Kq7#vP2m" "Zr9!wX4b"
BULKHEAD_DATA(vault) char vault_key[17] = KEY;
BULKHEAD_DATA(vault) volatile int vault_i = 1;

__attribute__((noinline)) static uint64_t vault_word(int i) {
  uint64_t w;
  memcpy(&w, vault_key + 8 * i, 8);
  return w;
}

#endif
