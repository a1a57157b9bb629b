/* attacks-rev22-unwind.test: a vault compartment in a shared object whose
 * entry vault_where writes its own call stack (return addresses, from
 * glibc's backtrace, that is libgcc_s's unwinder run with the vault's
 * rights) into its caller's array: a "where am I" diagnostic that hands
 * out code addresses only. */
#include <bulkhead.h>
#include <execinfo.h>

BULKHEAD_DATA(vault) char vault_key[32] = "TOP-SECRET-VAULT-KEY";

BULKHEAD_ENTRY(vault) int vault_where(void **out, int n) {
  return backtrace(out, n);
}

BULKHEAD_ENTRY(vault) int vault_key_length(void) {
  int n = 0;
  while (vault_key[n])
    n++;
  return n;
}
