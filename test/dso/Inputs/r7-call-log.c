/* attacks-review7-default-call.test: app_log as default-domain code of
 * another shared object with a compartment of its own. */
#include <bulkhead.h>
BULKHEAD_DATA(logbook) static long entries;
BULKHEAD_ENTRY(logbook) long logbook_entries(void) { return ++entries; }
long *log_slot; /* key 0: where the object logs */
__attribute__((noinline)) void app_log(long x) { *log_slot = x; }
