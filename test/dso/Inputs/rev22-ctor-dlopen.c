/* attacks-rev22-ctor-dlopen.test: a plain start-up library (no
 * compartments) whose constructor loads another library, LATE, into the
 * global scope, as plugin loaders do. Its constructor runs after the
 * runtime's start-up (.preinit_array: plt.c's rewrite) and before the
 * system-call filter and its supervisor (the program's constructor 103). */
#include <dlfcn.h>
#include <stdio.h>

__attribute__((constructor)) static void load_late(void) {
  if (!dlopen(LATE, RTLD_NOW | RTLD_GLOBAL))
    printf("dlopen of " LATE " failed: %s\n", dlerror());
}
