/* A vault that hands its own comparator to qsort: the address is taken in
 * the vault, so it becomes the wrapper __bulkhead_wrap.vault_cmp.vault. */
#include <bulkhead.h>
#include <stdlib.h>

BULKHEAD_DATA(vault) int vault_secret = 0x5ec7e7;
BULKHEAD_DATA(vault) static int arr[3] = {3, 1, 2};

BULKHEAD_INTERNAL(vault) int vault_cmp(const void *a, const void *b) {
  return *(const int *)a - *(const int *)b;
}
BULKHEAD_ENTRY(vault) int vault_sort(void) {
  qsort(arr, 3, sizeof arr[0], vault_cmp);
  return arr[0];
}
