/*
 * dso-gates.h: a shared object's gates made traps (docs/driver.md). A
 * shared object without compartments (no Bulkhead note) has gates that use
 * the pass's stand-ins and skip their WRPKRU in every honest run
 * (pass/StandIns.cpp: enforced is 0). One with compartments keeps them: the
 * executable's runtime registers it (docs/shared-objects.md). The WRPKRU bytes
 * would still be there for a jump, and a hardened program refuses every
 * PKRU write in a library it maps after start-up (dlopen;
 * runtime/supervisor-exec.c). So after a -shared link the driver writes
 * each WRPKRU its .bulkhead.gates lists as UD2 + INT3 and sets the entry
 * to 0 (discarded: the scanner ignores it).
 */
#ifndef BULKHEAD_DSO_GATES_H
#define BULKHEAD_DSO_GATES_H

/* Rewrites the listed gates of the ELF file PATH in place. 0 on success
 * (also for a file that is no 64-bit x86 ELF file, or that lists no
 * gate: the scan judges it), -1 with a message on stderr. */
int dso_disarm_gates(const char *path);

#endif
