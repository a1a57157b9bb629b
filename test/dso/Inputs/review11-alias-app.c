/* attacks-review11-alias.test: the program. Its compartment 'vault' hands
 * its secret's address to the object's default-domain code, once by the
 * function's name and once by its alias's; each call runs in a child,
 * which reports what it read or how it faulted. */
#include "../../runtime/Inputs/check.h"

long lib_peek(const long *p);
long lib_look(const long *p);
long ledger_add(void);

BULKHEAD_DATA(vault) static long secret = 0x5ec7e7;
BULKHEAD_ENTRY(vault) long vault_peek(void) { return lib_peek(&secret); }
BULKHEAD_ENTRY(vault) long vault_look(void) { return lib_look(&secret); }

static const char *what;
static void call(void *fn) {
  printf("%s: read %#lx\n", what, ((long (*)(void))fn)());
  fflush(stdout); /* the child ends with _exit */
}

static void report(const char *name, long (*fn)(void), int key) {
  what = name;
  struct outcome o = run_in_child(call, (void *)fn);
  if (!o.signo)
    return; /* the child printed what it read */
  CHECK(o.signo == SIGSEGV && o.code == SEGV_PKUERR && o.pkey == key);
  printf("%s: SEGV_PKUERR with the vault's key\n", name);
}

int main(void) {
  int key = bulkhead_compartment_pkey("vault");
  CHECK(key > 0 && ledger_add() == 1);
  report("lib_peek", vault_peek, key);
  report("lib_look", vault_look, key);
  return 0;
}
