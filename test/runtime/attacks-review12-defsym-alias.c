// Attacker model A (key-0 loads and stores only; one store). Review 12.
// The --defsym half of attacks-review12-asm-alias.c (its program, built
// with -DDEFSYM; whose module-asm half is fixed): still open
// (docs/threat-model.md). The linker's `--defsym=app_beat=app_heartbeat`
// makes a name for the program's default-domain app_heartbeat that no
// module saw, so it has no marker and no import: the vault's call of
// app_beat is a plain call with the vault's rights, and one store makes it
// read the vault's key (reproduced in the PKU guest at -O2).
// Fix: decide by address, not by name: e.g. list default-domain code's
// ranges (or its functions' addresses) in a read-only table and have the
// compartment's call of a declaration compare the resolved target with
// them, or refuse at link time (the driver sees the final symbol table) a
// defined symbol without a marker whose address is a marked function's.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 -DPROGRAM -c %S/attacks-review12-asm-alias.c -o %t.app.o
// RUN: %bulkhead_clang -fpkey-compartments -O2 -DDEFSYM %S/attacks-review12-asm-alias.c %t.app.o -Wl,--defsym=app_beat=app_heartbeat -o %t.defsym
// RUN: %run %t.defsym > %t.defsym.out 2>&1 || true
// RUN: FileCheck %S/attacks-review12-asm-alias.c < %t.defsym.out
// XFAIL: *
