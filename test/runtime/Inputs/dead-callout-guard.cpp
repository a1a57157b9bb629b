// Shared code (built without -fpkey-compartments): runs f, and catches
// whatever it throws (attacks-dead-callout-catch-shared.cpp).
extern "C" int lib_guard(void (*f)(void)) {
  try {
    f();
  } catch (...) {
    return 1;
  }
  return 0;
}
