/*
 * unwinder-check.h: the driver's link-time check that an output with
 * compartment code unwinds through libgcc_s.so.1. The runtime keeps
 * libgcc_s's unwinder from following key-0 unwind records with a
 * compartment's rights (runtime/unwind-find.c); a copy of libgcc's
 * unwinder linked into the output itself (libgcc_eh.a: -static-libgcc,
 * or named by hand) would follow them (docs/threat-model.md).
 */
#ifndef BULKHEAD_UNWINDER_CHECK_H
#define BULKHEAD_UNWINDER_CHECK_H

/* Checks the linked file PATH: if it holds compartment gates and defines
 * one of libgcc's unwinder entry points itself, prints one error and
 * returns 1; else (also when PATH cannot be read: the alias check reports
 * that) returns 0. */
int check_own_unwinder(const char *path);

#endif
