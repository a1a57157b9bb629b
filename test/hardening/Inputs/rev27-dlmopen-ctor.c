/* rev27-dlmopen-ctor.c - a plain start-up library (no compartments) for
 * attacks-rev27-dlmopen-startup.c whose constructor loads libc into a
 * namespace of its own (dlmopen, LM_ID_NEWLM), as plugin isolators do:
 * a second copy of it. Its constructor runs after the runtime's
 * first scan (.preinit_array) and before the second (the program's
 * constructor 103, install_filter). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>

void *rev27_namespace;

__attribute__((constructor)) static void load_isolated(void) {
  rev27_namespace = dlmopen(LM_ID_NEWLM, "libc.so.6", RTLD_NOW | RTLD_LOCAL);
  if (!rev27_namespace)
    printf("dlmopen failed: %s\n", dlerror());
}
