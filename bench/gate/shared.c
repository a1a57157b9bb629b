/* shared.c - shared code for the gate benchmark, built without Bulkhead
 * (bench/run.sh), so it runs with its caller's rights, like a library such
 * as libc, and its pointer call is a plain one.
 * - shared_call: called from compartment code, it calls a pointer the
 *   default domain made: the pointer's wrapper finds the compartment at run
 *   time, and its way back is the runtime's __bulkhead_return_to_index.
 * - shared_target: a function of a library, whose address the pointer-call
 *   rows take: raw here (shared_target_pointer), and in gate.c, which only
 *   declares it, the pass's declaration wrapper. */
void shared_call(void (*f)(void));
void shared_target(void);
long shared_count(void);
void (*shared_target_pointer(void))(void);

void shared_call(void (*f)(void)) { f(); }

static long shared_calls;
void shared_target(void) { shared_calls++; }
long shared_count(void) { return shared_calls; }
void (*shared_target_pointer(void))(void) { return shared_target; }
