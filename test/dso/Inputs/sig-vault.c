/* A compartment in a shared object that raises a signal from inside. */
#include <bulkhead.h>
#include <signal.h>
BULKHEAD_DATA(vault) static int counter;
BULKHEAD_ENTRY(vault) int vault_signal_self(int sig) {
  int n = __atomic_add_fetch(&counter, 1, __ATOMIC_RELAXED);
  raise(sig);
  return n;
}
