/* A static library's member: built without Bulkhead (LIB) it calls the
 * program's default-domain app_callback by name; UNUSED is a member no
 * one pulls in, PLAIN one that refers to nothing of the program's. */
#if defined(LIB)
void app_callback(void);
void lib_run(void) { app_callback(); }
#elif defined(UNUSED)
void app_callback(void);
void lib_unused(void) { app_callback(); }
#else
int lib_plain(int x) { return x + 1; }
#endif
