// attacks-rev68b-late-lsda-word.test: code the pass never saw (plain
// clang++), linked into a shared object with a compartment: runs f(v),
// counts and rethrows what it throws.
int plain_count;
extern "C" int plain_apply(void (*f)(int), int v) {
  try {
    f(v);
  } catch (...) {
    plain_count++;
    throw;
  }
  return 0;
}
