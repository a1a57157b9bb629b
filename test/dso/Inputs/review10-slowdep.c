/* A library without compartments whose constructor takes a while (stands
 * for one that reads its configuration): attacks-review10-dlopen-data.test
 * links the bank object with it, so the loader runs it before the bank's
 * initialisation. */
#include <time.h>

__attribute__((constructor)) static void slow_start(void) {
  struct timespec ts = {0, 50 * 1000 * 1000};
  nanosleep(&ts, 0);
}
int slowdep_ready(void) { return 1; }
