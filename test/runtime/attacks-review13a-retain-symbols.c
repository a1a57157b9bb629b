// Attacker model A (key-0 loads and stores only; one store). Review 13a.
// The link check (tools/alias-check.c) finds default-domain code through
// the markers in the output's symbol table and refuses an output without
// one (-s). A partly stripped output passes: `-Wl,--retain-symbols-file=
// FILE` keeps in .symtab only the names FILE lists (here none, as a list
// of a program's exported names would), so the markers are gone, no
// function counts as default-domain code, and nothing is refused. With
// -Wl,--defsym=app_beat=app_heartbeat (attacks-review12-defsym-alias.c's
// program) the link succeeds, and in the PKU guest the program prints
// LEAK: the vault's call of app_beat ran the program's heartbeat with the
// vault's rights and read its key through a key-0 pointer one store aimed
// (reproduced at -O2). -Wl,-x and -Wl,--discard-all are refused (held):
// the markers are global hidden symbols there.
// Fix: treat a symbol table without a symbol every Bulkhead program has
// (a runtime-defined sentinel, or the markers the link's inputs define)
// as stripped and refuse it; or refuse --retain-symbols-file (and
// -Wl,-s, --strip-all) in a link with -fpkey-compartments.
// Fixed: the link check refuses an output with compartment code whose
// symbol table lacks the runtime's hidden symbol that every compartment's
// module refers to: whatever dropped it dropped the markers too.
// RUN: %bulkhead_clang -fpkey-compartments -O2 -DPROGRAM -c %S/attacks-review12-asm-alias.c -o %t.app.o
// RUN: not %bulkhead_clang -fpkey-compartments -O2 -DDEFSYM %S/attacks-review12-asm-alias.c %t.app.o -Wl,--defsym=app_beat=app_heartbeat -Wl,-x -o %t.x 2> %t.x.err
// RUN: FileCheck %s < %t.x.err
// RUN: not %bulkhead_clang -fpkey-compartments -O2 -DDEFSYM %S/attacks-review12-asm-alias.c %t.app.o -Wl,--defsym=app_beat=app_heartbeat -Wl,--retain-symbols-file=/dev/null -o %t 2> %t.err
// RUN: test ! -e %t
// CHECK: bulkhead-clang: error: {{.*}}: 'app_beat' names default-domain code
