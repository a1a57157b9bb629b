/* exe-calls.test: a shared object with a compartment of its own (so the
 * program's runtime registers it and reads the names of its default-domain
 * functions), and default-domain code that the program's compartment
 * calls. */
#include <bulkhead.h>
BULKHEAD_DATA(ledger) static long entries;
BULKHEAD_ENTRY(ledger) long ledger_add(void) { return ++entries; }
/* The object's default-domain code: reads what it is given. */
long lib_peek(const long *p) { return *(const volatile long *)p; }
/* The same as a pointer made here (the object's wrapper of lib_peek). */
long (*lib_peek_pointer(void))(const long *) { return lib_peek; }
