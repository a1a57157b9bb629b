// Default-domain code Bulkhead built (so listed in bulkhead_own_code),
// with frame pointers: runs f() with six values live across the call and
// passes them on, whatever f throws. attacks-rev68b-pad-spill.cpp links
// it into the executable, dso/attacks-rev72-late-pad-spill.test into a
// shared object loaded after start-up (-fPIC: the same code).
extern "C" long fp_get(long);
extern "C" void fp_use(long, long, long, long, long, long);
extern "C" int fp_guard(void (*f)(), long a) {
  long x1 = fp_get(a), x2 = fp_get(x1), x3 = fp_get(x2), x4 = fp_get(x3),
       x5 = fp_get(x4), x6 = fp_get(x5);
  try {
    f();
  } catch (int e) {
    fp_use(x1 + e, x2, x3, x4, x5, x6);
    return 1;
  } catch (...) {
    fp_use(x1, x2, x3, x4, x5, x6);
    return -1;
  }
  fp_use(x1, x2, x3, x4, x5, x6);
  return 0;
}
