// unwind-compartments.test: a shared object with a compartment, loaded
// with dlopen: its entries unwind with its rights (backtrace, a throw out
// to the default domain, a throw caught inside).
#include <bulkhead.h>
#include <execinfo.h>

BULKHEAD_DATA(libvault) int lib_count = 0;

__attribute__((noinline)) static int lib_deeper(void **out, int n) {
  lib_count++;
  return backtrace(out, n);
}
extern "C" BULKHEAD_ENTRY(libvault) int lib_where(void **out, int n) {
  return lib_deeper(out, n) + lib_count * 0;
}

__attribute__((noinline)) static void lib_fail(int v) {
  if (v)
    throw v;
  lib_count++;
}
extern "C" BULKHEAD_ENTRY(libvault) void lib_throw(int v) { lib_fail(v); }

extern "C" BULKHEAD_ENTRY(libvault) int lib_catch(int v) {
  try {
    lib_fail(v);
  } catch (int e) {
    return e + 1;
  }
  return 0;
}
