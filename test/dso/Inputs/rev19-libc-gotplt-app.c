/* attacks-rev19-libc-gotplt.test: the vault compartment (in the program)
 * keeps its key in an argz vector built by libc's argz_add, which grows
 * the vector with realloc, called through libc's own GOT slot of realloc
 * (.got.plt, past libc's RELRO on Debian's glibc 2.36), then copies the
 * string into it, all with the vault's rights. The default domain stores
 * the address of its own function fake_realloc in that slot (one key-0
 * store, attacker model A); fake_realloc runs as the default domain and
 * answers a buffer of the program's, into which libc then copies the key.
 * With "control" the slot is left alone; with "nobody" it runs as
 * nobody. */
#define _GNU_SOURCE
#include <argz.h>
#include <bulkhead.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "attack-args.h"
#include "got-slot.h"

BULKHEAD_DATA(vault) static char key[32] = "TOP-SECRET-VAULT-KEY";

/* How many words the vault's key and a word of the caller's make. */
BULKHEAD_ENTRY(vault) int vault_words(const char *word) {
  char *v = NULL;
  size_t len = 0;
  if (argz_add(&v, &len, key) || argz_add(&v, &len, word))
    return -1;
  return (int)argz_count(v, len);
}

static char stolen[256];

static void *fake_realloc(void *p, size_t n) {
  (void)p;
  return n <= sizeof stolen ? stolen : NULL;
}

int main(int argc, char **argv) {
  become_nobody_if_asked(argc, argv);
  printf("words: %d\n", vault_words("hello"));
  uintptr_t slot = got_slot("libc.so.6", "realloc");
  if (!slot) {
    puts("no GOT slot of realloc in libc.so.6");
    return 2;
  }
  if (!has_arg(argc, argv, "control")) {
    *(void *(**)(void *, size_t))slot = fake_realloc;
    puts("libc's GOT slot of realloc now points at the program's function");
  }
  fflush(stdout);
  printf("words: %d\n", vault_words("hello"));
  if (memmem(stolen, sizeof stolen, "TOP-SECRET", 10)) {
    printf("ATTACK SUCCEEDED: the vault's key in the program's memory: %s\n",
           stolen);
    return 0;
  }
  puts("nothing stolen");
  return 1;
}
