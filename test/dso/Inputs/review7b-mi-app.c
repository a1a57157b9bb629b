/* attacks-review7b-mi-malloc.test: the default domain's side. It rewrites
 * only key-0 memory: this thread's default-heap word of libmimalloc.so.2
 * and a fake heap and page of its own. */
#include "../../runtime/Inputs/heap-pointers.h"

int vault_note(const char *s, size_t n);
int vault_key_intact(void);
const void *vault_key_address(void);

static void *fake_heap[160];
static struct fake_page fake_page;

static int attack(void) {
  const char *master = vault_key_address();
  int vault_key = bulkhead_compartment_pkey("vault");
  CHECK(vault_key > 0 && page_pkey(master) == vault_key);
  char note[128];
  memset(note, 'X', sizeof note);
  CHECK(vault_note(note, sizeof note)); /* as it should be */
  CHECK(vault_key_intact());

  uintptr_t page = (uintptr_t)master & ~(uintptr_t)4095;
  CHECK((uintptr_t)master + 32 <= page + 120);
  char *block = (char *)page - 8; /* last word of the page below */
  CHECK(page_pkey(block) == 0);
  fprintf(stderr, "below the vault's data: key-0 memory\n");

  void **dflt = NULL;
  dl_iterate_phdr(find_shared_tls, &dflt);
  CHECK(dflt && *dflt);
  fake_heap[1 + (128 + 7) / 8] = &fake_page;
  fake_page.free = block;
  void *real = *dflt;
  *dflt = fake_heap;
  int r = vault_note(note, sizeof note);
  *dflt = real;
  CHECK(r);
  if (!vault_key_intact()) {
    fprintf(stderr, "attacks-review7b-mi-malloc: CHANGED: the vault wrote "
                    "the caller's bytes over its key\n");
    return 1;
  }
  printf("attacks-review7b-mi-malloc: ok\n");
  return 0;
}

int main(void) { return attack_in_child("attacks-review7b-mi-malloc", attack); }
