/* key-grant.test's object with imports: its compartment calls the
 * program's default-domain app_log (the program lists its name) and libc's
 * puts (nobody lists it). */
#include <bulkhead.h>
#include <stdio.h>
void app_log(long x);
BULKHEAD_DATA(vault) static long master[4] = {1, 2, 3, 4};
BULKHEAD_ENTRY(vault) long vault_work(long x) {
  app_log(x);
  puts("vault");
  return master[x & 3];
}
