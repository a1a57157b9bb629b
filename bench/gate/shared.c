/* shared.c - shared code for the gate benchmark's run-time way back row:
 * built without Bulkhead (bench/run.sh), so it runs with its caller's
 * rights, like a library such as libc, and its pointer call is a plain one.
 * Called from compartment code, it calls a pointer the default domain made:
 * the pointer's wrapper finds the compartment at run time, and its way back
 * is the runtime's __bulkhead_return_to_index. */
void shared_call(void (*f)(void));

void shared_call(void (*f)(void)) { f(); }
