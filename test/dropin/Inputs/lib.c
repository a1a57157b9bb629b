/* A shared library with function pointers both ways. */
static int add_one(int x) { return x + 1; }
int lib_apply(int (*f)(int), int x) { return f(x); }
int (*lib_callback(void))(int) { return add_one; }
