/* review10-dlopen-import.racy: a compartment in a dlopen'ed object
 * that calls the program's default-domain app_log by its plain name. It
 * needs libreview10-slowdep.so, whose constructor the loader runs first. */
#include <bulkhead.h>
void app_log(long x); /* the program's: default domain */
int slowdep_ready(void);
BULKHEAD_DATA(vault) static long master[4] = {0x1111, 0x2222, 0x3333, 0x4444};
BULKHEAD_ENTRY(vault) int vault_work(long x) {
  app_log(x);
  return 1;
}
BULKHEAD_ENTRY(vault) long vault_word(int i) { return master[i]; }
/* The address is no secret (the object's symbol table and its load
 * address); an entry gives it here for brevity. */
BULKHEAD_ENTRY(vault) void *vault_master(void) { return master; }
int vault_ready(void) { return slowdep_ready(); }
