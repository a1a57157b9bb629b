// attacks-rev72-late-pad-spill.test: the object's compartment, libvault,
// loaded with dlopen after start-up; fp_guard (runtime/Inputs/
// rev68b-fp-guard.cpp, default-domain code Bulkhead built with frame
// pointers) is linked into the same object.
#include <bulkhead.h>
#include <string.h>

BULKHEAD_DATA(libvault) char lib_key[32] = "TOP-SECRET-LIBVAULT-KEY";

/* Not an int: fp_guard's catch (...) takes it. */
extern "C" BULKHEAD_ENTRY(libvault) void lib_boom(void) { throw 42L; }
/* An int: fp_guard's catch (int) takes it (a control). */
extern "C" BULKHEAD_ENTRY(libvault) void lib_boom_int(void) { throw 42; }

extern "C" BULKHEAD_ENTRY(libvault) int lib_key_intact(void) {
  return strcmp(lib_key, "TOP-SECRET-LIBVAULT-KEY") == 0;
}

/* Whether the key holds W at byte AT (libvault's own answer). */
extern "C" BULKHEAD_ENTRY(libvault) int lib_key_holds(int at, long w) {
  return memcmp(lib_key + at, &w, sizeof w) == 0;
}

/* An honest throw caught inside the compartment, by type. */
__attribute__((noinline)) static void lib_fail(int v) {
  if (v)
    throw v;
}
extern "C" BULKHEAD_ENTRY(libvault) int lib_catch(int v) {
  try {
    lib_fail(v);
  } catch (int e) {
    return e + 1;
  }
  return 0;
}
