/* declared-pointers.c's other file: pointers to functions it only
 * declares, made in the default domain (and with -DVAULT in the vault). */
#include <string.h>
typedef int (*cmp_fn)(const char *, const char *);
int peek(void);
cmp_fn strcmp_from_other(void) { return strcmp; }
int (*peek_from_other(void))(void) { return peek; }
#ifdef VAULT
#include <bulkhead.h>
BULKHEAD_ENTRY(vault) cmp_fn vault_strcmp_from_other(void) { return strcmp; }
#endif
