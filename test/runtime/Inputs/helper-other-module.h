/* helper-other-module.h - a shared helper (inline: linkonce_odr in each
 * module) with a catch, for exceptions-rev62-helper-other-module.cpp. */
#include <stdio.h>

struct E {
  long v;
};

inline __attribute__((noinline)) void thrower(long v) { throw E{v}; }

inline __attribute__((noinline)) long inner(long v) {
  try {
    thrower(v);
  } catch (E &e) {
    return e.v + 100;
  }
  return 0;
}

long other_module_use(long v);
