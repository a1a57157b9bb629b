// attacks-rev76b-weak-type-zero.test: the vault, libvault, loaded with
// dlopen after start-up. lib_run throws a Small and catches it by
// reference, with a clause for Big (larger, its type_info in another
// library: a weak reference, as for an optional library) before the one for
// Small.
#include <bulkhead.h>

struct Small {
  long tag;
};
struct Big {
  virtual void anchor(); /* defined in librev76b-big.so: so is _ZTI3Big */
  long tag, more[3];
};
__asm__(".weak _ZTI3Big");

BULKHEAD_DATA(libvault) long lib_secret = 0x5445524345532d4bL; /* "K-SECRET" */

__attribute__((noinline)) static void lib_fail(void) { throw Small{0x5a11}; }

/* Which clause took the exception: 1 Small, 2 Big (its last field into
 * *beyond: past a Small's end if the object is one), 0 none. */
extern "C" BULKHEAD_ENTRY(libvault) int lib_run(long *beyond) {
  try {
    lib_fail();
  } catch (Big &b) {
    *beyond = b.more[2];
    return 2;
  } catch (Small &s) {
    *beyond = s.tag;
    return 1;
  }
  return 0;
}
