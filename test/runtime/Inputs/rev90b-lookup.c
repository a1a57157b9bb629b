/* The vault's lookup of attacks-rev90b-unknown-pointee.c, in a file of its
 * own: its callers see a declaration only. */
#include "check.h"
struct small { char check; int n; };
BULKHEAD_DATA(vault) struct small *vault_table;
BULKHEAD_INTERNAL(vault) struct small *vault_lookup(int k) {
  if (!vault_table)
    vault_table = calloc(4, sizeof *vault_table);
  return vault_table + k;
}
