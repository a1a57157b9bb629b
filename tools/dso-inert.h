/*
 * dso-inert.h: a shared object with compartments made inert until the
 * executable's runtime registers it (docs/shared-objects.md, step 6, piece
 * 1). After the link the driver clears PF_X of each executable PT_LOAD and
 * sets BH_PF_EXEC_AFTER_REGISTRATION instead: ld.so maps the code readable
 * only, and registration makes it executable once the gates' words are
 * final. ld.so would call DT_INIT (the object's code) before the first
 * .init_array entry, so the object must have none (the driver links it
 * with -init= a name nothing defines).
 */
#ifndef BULKHEAD_DSO_INERT_H
#define BULKHEAD_DSO_INERT_H

#include <libelf.h>

/* Rewrites the program headers of E (PATH, for messages; the caller writes
 * E back). 0 on success, -1 with a message on stderr. */
int dso_make_inert(Elf *e, const char *path);

#endif
