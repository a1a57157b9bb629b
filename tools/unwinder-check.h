/*
 * unwinder-check.h: the driver's link-time checks of what a compartment's
 * unwinding follows in an output with compartment code.
 *
 * - It unwinds through libgcc_s.so.1. The runtime keeps libgcc_s's
 *   unwinder from following key-0 unwind records with a compartment's
 *   rights (runtime/unwind-find.c); a copy of libgcc's unwinder linked
 *   into the output itself (libgcc_eh.a: -static-libgcc, or named by hand)
 *   would follow them; so would another unwinder it needs (LLVM's
 *   libunwind.so.1, needed before libgcc_s: review 30b).
 * - The words through which its C++ unwind tables name a personality
 *   routine (DW.ref.*) are read-only after start-up: relro-personality.ld
 *   puts them in RELRO, but gold or a linker script of the user's leaves
 *   them in writable .data, where one key-0 store chooses the code a
 *   compartment's throw runs (docs/threat-model.md).
 */
#ifndef BULKHEAD_UNWINDER_CHECK_H
#define BULKHEAD_UNWINDER_CHECK_H

/* Checks the linked file PATH: if it holds compartment gates and fails
 * any check, prints one error per failure and returns 1; else (also
 * when PATH cannot be read: the alias check reports that) returns 0. */
int check_unwinding(const char *path);

#endif
