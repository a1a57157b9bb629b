/* minimal.c - the program whose start-up bench/startup times: one
 * compartment, entered once. Built three ways by run.sh (hardened, with
 * -fno-pkey-syscall-filter, plain clang), from this one file. */
#include <bulkhead.h>

BULKHEAD_DATA(startbench) static int secret = 42;
BULKHEAD_ENTRY(startbench) int startbench_secret(void) { return secret; }

int main(void) { return startbench_secret() == 42 ? 0 : 1; }
