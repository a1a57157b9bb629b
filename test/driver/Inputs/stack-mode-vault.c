// The vault half of stack-modes.test.
#include <bulkhead.h>
#include <stdio.h>
BULKHEAD_DATA(vault) static int secret = 42;
BULKHEAD_ENTRY(vault) int vault_get(int (*cb)(int)) { return cb(secret) + 1; }
