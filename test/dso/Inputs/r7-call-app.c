/* attacks-review7-default-call.test: the program. */
#include "check.h"
#ifdef DLOPEN /* the library loaded after start-up, by path in LIBRARY */
#include <dlfcn.h>
static int (*vault_work)(long x);
static long (*vault_word)(int i);
static void *(*vault_master)(void);
/* dlopen needs keys set up at start-up: a compartment of the program's. */
BULKHEAD_DATA(own) static int own_word = 1;
BULKHEAD_ENTRY(own) int own_get(void) { return own_word; }
#else
int vault_work(long x);
long vault_word(int i);
void *vault_master(void);
#endif

#ifdef LOG_IN_OBJECT /* r7-call-log.c */
extern long *log_slot;
#else
long *log_slot; /* key 0: where the program logs */
__attribute__((noinline)) void app_log(long x) { *log_slot = x; }
#endif
static long log_buf[1];

static int attack(void) {
#ifdef DLOPEN
  void *h = dlopen(LIBRARY, RTLD_NOW);
  CHECK(h && own_get() == 1);
  vault_work = (int (*)(long))dlsym(h, "vault_work");
  vault_word = (long (*)(int))dlsym(h, "vault_word");
  vault_master = (void *(*)(void))dlsym(h, "vault_master");
  CHECK(vault_work && vault_word && vault_master);
#endif
  long *master = vault_master();
  int vault_key = bulkhead_compartment_pkey("vault");
  CHECK(vault_key > 0 && page_pkey(master) == vault_key);
  log_slot = log_buf;
  CHECK(vault_work(7) == 1 && log_buf[0] == 7);
  log_slot = master; /* one key-0 store: the log pointer */
  vault_work(0x41);
  if (vault_word(0) != 0x1111) {
    fprintf(stderr,
            "attacks-review7-default-call: CHANGED: the vault's word is "
            "%#lx (was 0x1111), written by the program's app_log with the "
            "vault's rights\n",
            vault_word(0));
    return 1;
  }
  printf("attacks-review7-default-call: ok\n");
  return 0;
}

int main(void) { return attack_in_child("attacks-review7-default-call", attack); }
