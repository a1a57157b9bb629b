/* attacks-review11-alias.test: a shared object with a compartment of its
 * own (so the program's runtime registers it and reads its list of
 * default-domain names) and default-domain code under two names: a
 * function and an alias of it. */
#include <bulkhead.h>
BULKHEAD_DATA(ledger) static long entries;
BULKHEAD_ENTRY(ledger) long ledger_add(void) { return ++entries; }
/* The object's default-domain code: reads what it is given. */
long lib_peek(const long *p) { return *(const volatile long *)p; }
long lib_look(const long *p) __attribute__((alias("lib_peek")));
