/*
 * alias-check.h: the driver's link-time check of names for default-domain
 * code (docs/design.md, "Aliases"). A compartment's call of a name it only
 * declares is gated into the default domain when the name has a marker
 * (__bulkhead_default.NAME); a name the modules never saw (a linker
 * --defsym, a linker script's assignment, a .s file's .set) has none, so a
 * compartment's call through it would run default-domain code with the
 * compartment's rights. The link is refused instead.
 */
#ifndef BULKHEAD_ALIAS_CHECK_H
#define BULKHEAD_ALIAS_CHECK_H

/* Checks the linked file PATH: every global or weak symbol whose address
 * lies in a marked function must be marked too. Prints one error per such
 * symbol (or when PATH cannot be read, or has no symbol table) and returns
 * 1; else returns 0. */
int check_default_aliases(const char *path);

#endif
