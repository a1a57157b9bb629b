/* attacks-review7-mimalloc-api.test: the program (the attack of
 * test/runtime/attacks-review4-mimalloc-exports.c). */
#include "heap-pointers.h"
#include "key-words-verdict.h"

char *vault_sign(char *s);
int vault_key_intact(void);
void *vault_master(void);

static const char original[32] = "vault master key 0123456789abcd";
static void *fake_heap[160];
static struct fake_page fake_page;

static int attack(void) {
  char *master = vault_master();
  int vault_key = bulkhead_compartment_pkey("vault");
  CHECK(vault_key > 0 && page_pkey(master) == vault_key);
  char *s = strdup("abcdefg");
  s = vault_sign(s); /* as it should be: shared, readable */
  CHECK(s && !strcmp(s, "abcdefg-signed") && page_pkey(s) == 0);
  free(s);
  CHECK(vault_key_intact());

  void **dflt = NULL;
  dl_iterate_phdr(find_shared_tls, &dflt);
  CHECK(dflt && *dflt);
  fake_heap[1 + (15 + 7) / 8] = &fake_page; /* mi_realloc(s, 7 + 8) */
  unsigned long words[4];
  for (int k = 3; k >= 0; k--) {
    s = strdup("abcdefg");
    CHECK(s);
    fake_page.free = master + 8 * k;
    void *real = *dflt;
    *dflt = fake_heap;
    char *r = vault_sign(s);
    *dflt = real;
    CHECK(r);
    words[k] = (unsigned long)fake_page.free; /* the vault's word, in key-0 memory */
  }
  return key_words_verdict("attacks-review7-mimalloc-api", words, original,
                           vault_key_intact());
}

int main(void) {
  return attack_in_child("attacks-review7-mimalloc-api", attack);
}
