// Built with bulkhead-clang++: a function with a personality routine
// (its call of step may throw, so a cleanup destroys g) whose body -O2
// makes empty: step is inlined, the cleanup goes, and flowing off the end
// of an int function is undefined, so nothing is left, not even a ret.
// It is the last (and only) code of this object's .text.
// attacks-rev68a-empty-listed-function.cpp.
struct Guard {
  ~Guard() {}
};
static void step() {}
extern "C" int bh_empty_tail() {
  Guard g;
  step();
}
