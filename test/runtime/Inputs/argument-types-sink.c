/* The default domain's callees of padding-argument-types.c: each prints
 * what it was passed and keeps the bytes of each struct small. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "argument-types.h"

unsigned char seen[SEEN][sizeof(struct small)], seen_variadic[8];
static int next;

static char see(struct small s) {
  if (next < SEEN)
    memcpy(seen[next++], &s, sizeof s);
  return s.check;
}

void take_cd(struct cd a, struct small b) {
  char c = see(b);
  printf("cd: %c %g | %c %d\n", a.c, a.d, c, b.n);
}
void take_f3(struct f3 a, struct small b) {
  char c = see(b);
  printf("f3: %g %g %g | %c %d\n", a.a, a.b, a.c, c, b.n);
}
void take_pn(struct pn a, struct small b) {
  char c = see(b);
  printf("pn: %s %d %c | %c %d\n", a.p, a.n, a.c, c, b.n);
}
void take_np(struct np a, struct small b) {
  char c = see(b);
  printf("np: %ld %s | %c %d\n", a.n, a.p, c, b.n);
}
void take_cx(double _Complex z, struct small b, long double ld, float _Complex w,
             struct small c) {
  char x = see(b), y = see(c);
  printf("cx: %g %g | %c %d | %Lg | %g | %c %d\n", __real__ z, __imag__ z,
         x, b.n, ld, __real__ w, y, c.n);
}
void take_bits(struct bits a, union un u, struct small b) {
  char c = see(b);
  printf("bits: %u %u %c | %.5s | %c %d\n", a.a, a.b, a.c, u.c, c, b.n);
}
void take_var(struct small a, int n, ...) {
  char c = see(a);
  va_list ap;
  va_start(ap, n);
  struct small b = va_arg(ap, struct small);
  struct cd d = va_arg(ap, struct cd);
  va_end(ap);
  memcpy(seen_variadic, &b, sizeof b);
  printf("var: %c %d | %d | %c %d | %c %g\n", c, a.n, n, b.check, b.n, d.c,
         d.d);
}
struct mid take_mid(struct small a, struct mid m) {
  char c = see(a);
  printf("mid: %c %d | %d %c %d\n", c, a.n, m.x, m.check, m.y);
  struct mid r = {1, 2, 3};
  return r;
}
void take_many(long a, long b, long c, long d, long e, struct small s,
               struct cd t) {
  char x = see(s);
  printf("many: %ld %ld %ld %ld %ld | %c %d | %c %g\n", a, b, c, d, e, x, s.n,
         t.c, t.d);
}
