/* The vault's own code in a file that does not see the annotation of its
 * variadic entry `sum`, as the other files of a library compartmentalized
 * by flags: the call reaches the guard under `sum` with the vault's rights. */
#include <bulkhead.h>
int sum(int n, ...);
BULKHEAD_ENTRY(vault) int sum_inside(void) { return sum(3, 10, 20, 30); }
