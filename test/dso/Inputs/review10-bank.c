/* A bank compartment in a shared object loaded with dlopen
 * (attacks-review10-dlopen-data.test): its balance, set in the file. It
 * needs libreview10-slowdep.so, whose constructor the loader runs first. */
#include <bulkhead.h>

int slowdep_ready(void);

BULKHEAD_DATA(bank) long bank_balance = 100;

BULKHEAD_ENTRY(bank) long bank_read(void) { return bank_balance; }
int bank_ready(void) { return slowdep_ready(); }
