/* The default-domain functions of stacks-sret-call-out.c: each returns a
 * struct too large for registers, which the caller receives through
 * memory (sret). */
struct big { long v[6]; };
struct big make_big(long base) {
  struct big r;
  for (int i = 0; i < 6; i++)
    r.v[i] = base + i;
  return r;
}
