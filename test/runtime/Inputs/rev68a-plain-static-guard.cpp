// Library code the pass never saw (built with plain clang++): a static
// guard that runs f(arg) and notes in *failed whatever it throws, handed
// out through a table, as a library gives callbacks. Its only symbol is
// local. attacks-rev68a-empty-listed-function.cpp links it right after an
// object whose last function is empty.
static int guard(void (*f)(void *), void *arg, int *failed) {
  try {
    f(arg);
  } catch (...) {
    *failed = 1;
    return -1;
  }
  return 0;
}
extern "C" int (*const plain_guards[])(void (*)(void *), void *, int *) = {
    guard};
