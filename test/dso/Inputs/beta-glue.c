/* libbeta.so's default-domain code: calls alpha's entry with a callback
 * of its own, which alpha calls with alpha's rights (shared code, as any
 * callback a compartment calls: it must not enter another compartment's
 * entry, which a compartment calling through a pointer cannot do in an
 * executable either; docs/shared-objects.md). */
int alpha_apply(int (*f)(int), int x);

static int times_ten(int x) { return 10 * x; }

int beta_glue_apply(int x) { return alpha_apply(times_ten, x); }
