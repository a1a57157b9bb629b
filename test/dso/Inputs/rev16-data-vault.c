/* rev16-data-vault.c - a compartment in a shared object linked into the
 * program (attacks-rev16-file-data.test): a PIN in its data, which only
 * its entries read. */
#include <bulkhead.h>
#include <string.h>

BULKHEAD_DATA(vault) static char pin[64] = "the vault's own PIN 8675309";

BULKHEAD_ENTRY(vault) const void *vault_pin_address(void) { return pin; }
BULKHEAD_ENTRY(vault) int vault_pin_intact(void) {
  return !strcmp(pin, "the vault's own PIN 8675309");
}
