/* vault.c - the vault compartment: a 32-byte key and a keyed hash over it.
 *
 * THE HASH IS A DEMO, NOT CRYPTOGRAPHY. It is a keyed FNV-1a-style mix written
 * for this example: the key is absorbed before and after the message (the
 * shape of HMAC's inner/outer envelope) in four independent 64-bit lanes.
 * It has had no analysis; use a real MAC (HMAC-SHA-256, BLAKE3 keyed, ...)
 * for anything that matters. What the example shows is where the key lives,
 * not how strong the signature is. */
#include "vault.h"

#include <stdint.h>

/* A fixed, printable key, "demo-key:not-secret-just-visible", so that a
 * leak is easy to recognise in the output. Spelled out character by character
 * because it is exactly 32 bytes: a string literal would not fit its NUL. */
BULKHEAD_DATA(vault)
static unsigned char key[VAULT_KEY_LEN] = {
    'd', 'e', 'm', 'o', '-', 'k', 'e', 'y', ':', 'n', 'o', 't', '-', 's', 'e', 'c',
    'r', 'e', 't', '-', 'j', 'u', 's', 't', '-', 'v', 'i', 's', 'i', 'b', 'l', 'e'};

#define FNV_OFFSET 0xcbf29ce484222325u
#define FNV_PRIME 0x100000001b3u
#define LANES (VAULT_SIG_LEN / 8)

/* One FNV-1a step per byte. */
BULKHEAD_INTERNAL(vault)
static uint64_t absorb(uint64_t h, const unsigned char *p, size_t n) {
  for (size_t i = 0; i < n; i++)
    h = (h ^ p[i]) * FNV_PRIME;
  return h;
}

/* FNV alone diffuses the last bytes poorly; a few xor-shift-multiply rounds
 * spread every input bit over the whole lane. */
BULKHEAD_INTERNAL(vault)
static uint64_t finish(uint64_t h) {
  for (int r = 0; r < 3; r++) {
    h ^= h >> 31;
    h *= FNV_PRIME | (uint64_t)0x9e37u << 40;
  }
  return h ^ (h >> 29);
}

/* sig = lanes of finish(key | lane | msg | len | key). The key is read here,
 * inside the vault, and nowhere else. */
BULKHEAD_INTERNAL(vault)
static void keyed_hash(const char *msg, size_t len, unsigned char sig[VAULT_SIG_LEN]) {
  for (int lane = 0; lane < LANES; lane++) {
    unsigned char tag = (unsigned char)lane;
    unsigned char len_bytes[8];
    for (int i = 0; i < 8; i++)
      len_bytes[i] = (unsigned char)((uint64_t)len >> (8 * i));
    uint64_t h = FNV_OFFSET;
    h = absorb(h, key, VAULT_KEY_LEN);
    h = absorb(h, &tag, 1);
    h = absorb(h, (const unsigned char *)msg, len);
    h = absorb(h, len_bytes, sizeof len_bytes);
    h = absorb(h, key, VAULT_KEY_LEN);
    h = finish(h);
    for (int i = 0; i < 8; i++)
      sig[8 * lane + i] = (unsigned char)(h >> (8 * i));
  }
}

/* Compares without an early exit, so the time taken does not tell how many
 * leading bytes of a guess were right. */
BULKHEAD_INTERNAL(vault)
static int equal_fixed_time(const unsigned char *a, const unsigned char *b, size_t n) {
  unsigned char diff = 0;
  for (size_t i = 0; i < n; i++)
    diff |= a[i] ^ b[i];
  return diff == 0;
}

/* An entry runs with the vault's rights on pointers its caller chose. Without
 * this check a caller could pass the key itself as the "message" and have the
 * vault do the read it cannot do (a confused deputy). */
BULKHEAD_INTERNAL(vault)
static int points_into_vault(const void *p, size_t n) {
  uintptr_t a = (uintptr_t)p, lo = (uintptr_t)key, hi = lo + sizeof key;
  return a < hi && a + n > lo;
}

int vault_sign(const char *msg, size_t len, unsigned char sig[VAULT_SIG_LEN]) {
  if (points_into_vault(msg, len) || points_into_vault(sig, VAULT_SIG_LEN))
    return -1;
  keyed_hash(msg, len, sig);
  return 0;
}

int vault_verify(const char *msg, size_t len, const unsigned char sig[VAULT_SIG_LEN]) {
  if (points_into_vault(msg, len) || points_into_vault(sig, VAULT_SIG_LEN))
    return 0;
  unsigned char expect[VAULT_SIG_LEN];
  keyed_hash(msg, len, expect);
  return equal_fixed_time(expect, sig, VAULT_SIG_LEN);
}

/* Deliberately unannotated: default-domain code may compute with the address,
 * it just cannot load from it. */
const unsigned char *vault_key_address(void) { return key; }
