// Data-only attack on the sharing-policy brackets of a compartment built
// WITH a policy (issue 11, item 1). The default domain knows the binary's
// symbol table and uses plain loads and stores of key-0 memory only: it
// fills every thread-local word of runtime/share.c (the symbols named
// bh_share_*) with one value after another, each time calling the vault's
// ordinary API, whose block holds the vault's secret. Meanwhile a second
// thread really is inside a function of the policy (its bracket is open,
// waiting in a callback), so that a forged word that leads the main thread
// to that thread's brackets would share the main thread's allocation too.
// The vault's block must stay on its key, every time. Before the brackets
// moved to the vault's key, filling them with ~0 opened eight brackets and
// the default domain read the secret from the shared heap.
// The other thread's nested call shows the policy does share (key 0).
// REQUIRES: pku
// RUN: rm -rf %t && mkdir -p %t
// RUN: echo "vault_with_callback" > %t/policy
// RUN: %bulkhead_clang -fpkey-compartments -fpkey-share=%t/policy -O2 -pthread %s -o %t/a
// RUN: %run %t/a | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-compartment-stacks -fpkey-share=%t/policy -O2 -pthread %s -o %t/ns
// RUN: %run %t/ns | FileCheck %s
// CHECK: attacks-share-policy-brackets: ok
#include "Inputs/tls-words.h"

#include <pthread.h>

BULKHEAD_DATA(vault) static char secret[32] = "the vault's secret 0123456789";

BULKHEAD_ENTRY(vault) char *vault_copy(void) {
  char *p = malloc(sizeof secret);
  if (p)
    memcpy(p, secret, sizeof secret);
  return p;
}

/* Named by the policy: while it runs, the vault's allocations are shared. */
BULKHEAD_ENTRY(vault) void vault_with_callback(void (*cb)(void)) { cb(); }

/* ------------------------------------------------- the default domain */

/* The attacker's knowledge: the binary's symbol table, the thread-local
 * words of share.c (Inputs/tls-words.h). */
struct sym {
  const char *name;
  unsigned long value, size;
};
static struct sym syms[64];
static int nsyms;

static void keep_share_word(const char *name, unsigned long value,
                            unsigned long size, void *unused) {
  (void)unused;
  if (strncmp(name, "bh_share", 8))
    return;
  CHECK(nsyms < 64);
  syms[nsyms++] = (struct sym){name, value, size};
}

static int vault_key;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int holding, done;
static char *held_block;

/* Runs inside vault_with_callback on the other thread: its bracket is open
 * until main has finished attacking. */
static void hold(void) {
  held_block = vault_copy(); /* shared: the policy covers this call */
  pthread_mutex_lock(&mu);
  holding = 1;
  pthread_cond_broadcast(&cv);
  while (!done)
    pthread_cond_wait(&cv, &mu);
  pthread_mutex_unlock(&mu);
}

static void *holder(void *unused) {
  (void)unused;
  vault_with_callback(hold);
  return NULL;
}

/* One attempt: every word of every bh_share_* TLS symbol holds v; the
 * vault allocates; the words get their old contents back. */
static void attempt(uintptr_t v) {
  static unsigned char saved[64][4096];
  for (int k = 0; k < nsyms; k++) {
    unsigned char *a = tls_at(syms[k].value);
    CHECK(syms[k].size <= sizeof saved[k]);
    memcpy(saved[k], a, syms[k].size);
    for (size_t w = 0; w + sizeof v <= syms[k].size; w += sizeof v)
      memcpy(a + w, &v, sizeof v);
  }
  char *q = vault_copy();
  for (int k = 0; k < nsyms; k++)
    memcpy(tls_at(syms[k].value), saved[k], syms[k].size);
  CHECK(q);
  int key = page_pkey(q);
  if (key != vault_key) {
    char stolen[33] = {0};
    for (int k = 0; k < 32; k++)
      stolen[k] = ((volatile char *)q)[k];
    fprintf(stderr,
            "attacks-share-policy-brackets: LEAK (words = %#lx): the vault's "
            "block %p is on key %d: \"%s\"\n",
            (unsigned long)v, (void *)q, key, stolen);
  }
  CHECK(key == vault_key);
}

int main(void) {
  vault_key = bulkhead_compartment_pkey("vault");
  CHECK(vault_key > 0);
  each_tls_symbol(keep_share_word, NULL);
  CHECK(nsyms >= 1); /* at least one word of share.c */
  CHECK(page_pkey(vault_copy()) == vault_key);

  pthread_t t;
  CHECK(pthread_create(&t, NULL, holder, NULL) == 0);
  pthread_mutex_lock(&mu);
  while (!holding)
    pthread_cond_wait(&cv, &mu);
  pthread_mutex_unlock(&mu);
  CHECK(held_block && page_pkey(held_block) == 0); /* the policy shares */

  attempt(~(uintptr_t)0);
  for (uintptr_t v = 0; v <= 130; v++)
    attempt(v);

  pthread_mutex_lock(&mu);
  done = 1;
  pthread_cond_broadcast(&cv);
  pthread_mutex_unlock(&mu);
  CHECK(pthread_join(t, NULL) == 0);
  CHECK(page_pkey(vault_copy()) == vault_key); /* closed again */
  printf("attacks-share-policy-brackets: ok\n");
  return 0;
}
