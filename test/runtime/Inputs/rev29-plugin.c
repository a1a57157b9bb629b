/* attacks-rev29-ctor-plugin-write.c: a plain plugin, loaded by a start-up
 * library's constructor. Its function is ordinary code with no PKRU
 * write: the gadget scans pass it. */
int rev29_plugin_fn(int x) { return x * 3 + 1; }
