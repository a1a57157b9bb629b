// attacks-rev75-late-type-word.test: the object's compartment, libvault
// (attacks-rev76a-late-type-window.test: one object per -DVAULT name),
// loaded with dlopen after start-up. lib_run throws a Small and catches it
// by reference, with a clause for Big (larger) before the one for Small.
#include <bulkhead.h>

#ifndef VAULT
#define VAULT libvault
#endif
/* VAULT expanded before the macros see it. */
#define DATA_(v) BULKHEAD_DATA(v)
#define ENTRY_(v) BULKHEAD_ENTRY(v)

struct Small {
  long tag;
};
struct Big {
  long tag, more[3];
};

DATA_(VAULT) long lib_secret = 0x5445524345532d4bL; /* "K-SECRET" */

__attribute__((noinline)) static void lib_fail(int big) {
  if (big)
    throw Big{0xb16, {1, 2, 3}};
  throw Small{0x5a11};
}

/* Which clause took the exception: 1 Small, 2 Big (its last field into
 * *beyond: past a Small's end if the object is one), 0 none. */
extern "C" ENTRY_(VAULT) int lib_run(int big, long *beyond) {
  try {
    lib_fail(big);
  } catch (Big &b) {
    *beyond = b.more[2];
    return 2;
  } catch (Small &s) {
    *beyond = s.tag;
    return 1;
  }
  return 0;
}
