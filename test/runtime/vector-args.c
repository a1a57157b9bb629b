// Vector arguments and results of up to 16 bytes cross a compartment's
// boundary both ways, through a trampoline (compartment stacks) too: a
// struct of two floats and a _Complex float (<2 x float>), and 16-byte
// vectors, past the eighth SSE register on the stack (8-byte and 16-byte
// aligned slots). Before, a trampoline refused every vector type ("not
// classified here"). Not an attack: an honest program's values.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 %s -o %t && %run %t | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -O0 %s -o %t0 && %run %t0 | FileCheck %s
// RUN: %bulkhead_clang -fpkey-compartments -fno-pkey-compartment-stacks -O2 %s -o %tn && %run %tn | FileCheck %s
// CHECK: in: points 1+2+...+10 = (55, 110), vectors (45, 90, 135, 180)
// CHECK-NEXT: out: points 1+2+...+10 = (55, 110), vectors (45, 90, 135, 180)
// CHECK-NEXT: complex: 3+4i times 2 = 6+8i
#include "Inputs/check.h"
#include <complex.h>

typedef float v4f __attribute__((vector_size(16)));
struct point {
  float x, y;
};
static struct point pt(int i) { return (struct point){i, 2.0f * i}; }
static v4f vec(int i) { return (v4f){i, 2.0f * i, 3.0f * i, 4.0f * i}; }

/* Ten points: eight in xmm0-7, two in 8-byte stack slots. */
#define POINTS(T)                                                              \
  T p1, T p2, T p3, T p4, T p5, T p6, T p7, T p8, T p9, T p10
#define SUM_POINTS(p1, p10)                                                    \
  (struct point) {                                                             \
    p1.x + p2.x + p3.x + p4.x + p5.x + p6.x + p7.x + p8.x + p9.x + p10.x,      \
        p1.y + p2.y + p3.y + p4.y + p5.y + p6.y + p7.y + p8.y + p9.y + p10.y   \
  }
/* Nine vectors after one float: the float takes xmm0, the vectors
 * xmm1-7 and two 16-aligned stack slots. */
#define VECTORS(T) T v1, T v2, T v3, T v4, T v5, T v6, T v7, T v8, T v9
#define SUM_VECTORS (v1 + v2 + v3 + v4 + v5 + v6 + v7 + v8 + v9)

static void show(const char *way, struct point p, v4f v) {
  printf("%s: points 1+2+...+10 = (%g, %g), vectors (%g, %g, %g, %g)\n", way,
         p.x, p.y, v[0], v[1], v[2], v[3]);
}

/* Into the vault. */
BULKHEAD_ENTRY(vault) struct point vault_points(POINTS(struct point)) {
  return SUM_POINTS(p1, p10);
}
BULKHEAD_ENTRY(vault) v4f vault_vectors(float scale, VECTORS(v4f)) {
  return SUM_VECTORS * scale;
}

/* Out of it, into the default domain. */
__attribute__((noinline)) struct point add_points(POINTS(struct point)) {
  return SUM_POINTS(p1, p10);
}
__attribute__((noinline)) v4f add_vectors(float scale, VECTORS(v4f)) {
  return SUM_VECTORS * scale;
}
__attribute__((noinline)) float _Complex twice(float _Complex z) {
  return 2 * z;
}
BULKHEAD_ENTRY(vault) void vault_calls_out(void) {
  struct point p = add_points(pt(1), pt(2), pt(3), pt(4), pt(5), pt(6),
                              pt(7), pt(8), pt(9), pt(10));
  v4f v = add_vectors(1.0f, vec(1), vec(2), vec(3), vec(4), vec(5), vec(6),
                      vec(7), vec(8), vec(9));
  show("out", p, v);
  float _Complex z = twice(3.0f + 4.0f * I);
  printf("complex: 3+4i times 2 = %g%+gi\n", crealf(z), cimagf(z));
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  struct point p = vault_points(pt(1), pt(2), pt(3), pt(4), pt(5), pt(6),
                                pt(7), pt(8), pt(9), pt(10));
  v4f v = vault_vectors(1.0f, vec(1), vec(2), vec(3), vec(4), vec(5), vec(6),
                        vec(7), vec(8), vec(9));
  show("in", p, v);
  vault_calls_out();
  return 0;
}
