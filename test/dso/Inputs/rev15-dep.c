/* attacks-rev15-dep-got.test: a library without compartments that the
 * vault object needs (Inputs/rev15-vault.c). The vault calls
 * rev15_compare with its own rights; it calls libc's strcmp through this
 * library's GOT. */
#include <string.h>

int rev15_compare(const char *a, const char *b) { return strcmp(a, b); }
