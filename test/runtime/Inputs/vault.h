#include <bulkhead.h>
BULKHEAD_ENTRY(vault) int vault_read(int i);
BULKHEAD_ENTRY(vault) void vault_write(int i, unsigned char v);
BULKHEAD_ENTRY(vault) unsigned vault_pkru(void);
BULKHEAD_ENTRY(vault) int vault_mixed(int i);
BULKHEAD_ENTRY(other) unsigned other_pkru(void);
unsigned char *vault_key_address(void);
