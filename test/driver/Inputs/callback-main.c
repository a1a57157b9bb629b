/* A program with a compartment that calls a library's lib_run (shared
 * code), which calls back into the program (unseen-references.test). */
#include <bulkhead.h>
#include <stdio.h>
void lib_run(void);
int lib_plain(int x);
void app_callback(void) { puts("callback"); }
BULKHEAD_ENTRY(vault) void vault_work(void) {
#ifndef NO_LIB_RUN
  lib_run();
#endif
}
int main(void) {
  vault_work();
  return lib_plain(-1);
}
