/* The vault compartment's header: callers of these entries see the
 * annotation, gate the call and call the body directly. vault_sum is
 * annotated only at its definition (main.c declares it itself). */
#include <bulkhead.h>
BULKHEAD_ENTRY(vault) int vault_get(int i);
BULKHEAD_ENTRY(vault) void vault_put(int i, int v);
BULKHEAD_ENTRY(vault) unsigned vault_pkru(void);
int *vault_data_address(void);
