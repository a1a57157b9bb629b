/* attacks-rev29-ctor-plugin-write.c: a plain start-up library whose
 * constructor loads a plugin (as plugin loaders do), after the runtime's
 * start-up copies and before the filter. It keeps where the plugin's
 * function is; the program finds the plugin's file from that. */
#include <dlfcn.h>

void *volatile rev29_plugin_code;

__attribute__((constructor)) static void load_plugin(void) {
  void *h = dlopen(PLUGIN, RTLD_NOW);
  if (h)
    rev29_plugin_code = dlsym(h, "rev29_plugin_fn");
}
