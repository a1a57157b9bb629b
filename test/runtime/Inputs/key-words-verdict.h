/* key-words-verdict.h - key_words_verdict, the end of the heap attacks
 * that make the vault's own allocator calls copy its key, word by word,
 * into key-0 memory (reviews 3, 4 and 7): NAME: LEAK if the four WORDS
 * begin with the first 16 bytes of ORIGINAL (the key's value), NAME:
 * CHANGED unless INTACT (the vault's word on its key), else "NAME: ok".
 * Returns 1 for LEAK or CHANGED. */
#ifndef BULKHEAD_TEST_KEY_WORDS_VERDICT_H
#define BULKHEAD_TEST_KEY_WORDS_VERDICT_H
#include <stdio.h>
#include <string.h>

static int key_words_verdict(const char *name, const unsigned long words[4],
                             const char *original, int intact) {
  int failed = 0;
  char stolen[33] = {0};
  memcpy(stolen, words, 32);
  if (!memcmp(stolen, original, 16)) {
    fprintf(stderr, "%s: LEAK: the vault's key \"%s\"\n", name, stolen);
    failed = 1;
  }
  if (!intact) {
    fprintf(stderr, "%s: CHANGED: the vault's key was overwritten\n", name);
    failed = 1;
  }
  if (!failed)
    printf("%s: ok\n", name);
  return failed;
}
#endif
