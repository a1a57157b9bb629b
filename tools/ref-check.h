/*
 * ref-check.h: the driver's link-time check of references to
 * default-domain code from code Bulkhead did not compile (review 13a).
 * Such code (an assembly file, an archive member built without Bulkhead)
 * is shared code: a compartment's plain call into it runs with the
 * compartment's rights, and its call or jump to a marked function runs
 * default-domain code with them. In a link with compartments, every input
 * object the linker used that lacks the pass's BH_SYM_COMPILED and has a
 * relocation against a marked function is refused. Module-level `asm` in
 * a compiled object cannot be told apart from the compiled code, and is
 * not checked (docs/threat-model.md).
 */
#ifndef BULKHEAD_REF_CHECK_H
#define BULKHEAD_REF_CHECK_H

#include <stdbool.h>

/* OUTPUT is the linked file (NULL after a failed link: only shows the
 * output), TRACE the file holding the linker's standard
 * output with -t -t. Writes that output to stdout: all of it if FORWARD
 * (the user asked for the trace), else the lines that name no input.
 * Inputs from EXEMPT_ARCHIVES (NULL-terminated: the runtime's archives)
 * and startup files (crt1.o, crti.o, crtbegin.o, ...) are not checked.
 * Prints one error line per object and marked name; returns 1 if any,
 * else 0. */
int check_unseen_references(const char *output, const char *trace,
                            bool forward, const char *const *exempt_archives);

#endif
