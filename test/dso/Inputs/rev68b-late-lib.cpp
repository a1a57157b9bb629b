// attacks-rev68b-late-lsda-word.test: the object's compartment, libvault,
// loaded with dlopen after start-up; linked with Inputs/rev68b-late-plain.cpp
// after it, so that plain_apply's LSDA follows lib_catch's in
// .gcc_except_table.
#include <bulkhead.h>
extern "C" int plain_apply(void (*f)(int), int v);
BULKHEAD_DATA(libvault) long lib_secret = 0x5445524345532d4bL; /* "K-SECRET" */
extern "C" BULKHEAD_ENTRY(libvault) void lib_throw(void) { throw 42; }
extern "C" BULKHEAD_ENTRY(libvault) long lib_secret_is(long w) {
  return lib_secret == w;
}
extern "C" BULKHEAD_ENTRY(libvault) int lib_catch(int v) {
  try {
    plain_apply([](int x) { if (x) throw x; }, v);
  } catch (int e) {
    return e + 1;
  }
  return 0;
}
