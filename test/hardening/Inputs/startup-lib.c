/* startup-lib.c - a shared library loaded before main, for
 * attacks-startup-lib-rewrite.c: a function whose first bytes the attack
 * rewrites in the file, and read-only data it rewrites too. */
int startup_lib_fn(int x) { return 3 * x + 1; }

static const char word[64] = "the library's read-only word";
const char *startup_lib_word(void) { return word; }
