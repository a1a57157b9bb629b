// Shared code the pass never saw (built with plain clang++): runs f(arg),
// and notes in *failed whatever it throws. attacks-rev65b-exe-plain-
// catch.cpp links it into the executable (plain_guard) and into a shared
// object (PLAIN_GUARD=plain_guard_so).
#ifndef PLAIN_GUARD
#define PLAIN_GUARD plain_guard
#endif
extern "C" int PLAIN_GUARD(void (*f)(void *), void *arg, int *failed) {
  try {
    f(arg);
  } catch (...) {
    *failed = 1;
    return -1;
  }
  return 0;
}
