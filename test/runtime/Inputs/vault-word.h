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

/* Copies the vault's second key word over the first 8 bytes of the record
 * at rec, then runs the statements that set its members: the record's
 * padding there keeps key bytes. */
#define VAULT_FILL(rec, ...)                                                   \
  do {                                                                         \
    uint64_t w_ = vault_word(vault_i);                                         \
    memcpy((rec), &w_, 8);                                                     \
    __VA_ARGS__;                                                               \
  } while (0)

/* The attack's check: whether the bits that Mask keeps of the vault's
 * second key word's bytes From..To-1 are in Seen at the same bytes (a
 * record the default domain got back, whose padding there the vault had
 * filled from that word). The key is rebuilt from the literal: main cannot
 * read the vault's. */
static inline int key_bits_in(const char *what, const unsigned char *seen,
                              int from, int to, unsigned mask) {
  static const char key[] = KEY;
  int all = 1;
  for (int i = from; i < to; i++)
    all &= ((seen[i] ^ (unsigned char)key[8 + i]) & mask) == 0;
  if (all)
    printf("ATTACK SUCCEEDED: the vault's key bits in the %s padding\n", what);
  return all;
}

#endif
