// Attacker model A (key-0 loads and stores only; one store). Review 12.
// The --defsym half of attacks-review12-asm-alias.c (its program, built
// with -DDEFSYM; whose module-asm half is fixed): still open
// (docs/threat-model.md). The linker's `--defsym=app_beat=app_heartbeat`
// makes a name for the program's default-domain app_heartbeat that no
// module saw, so it has no marker and no import: the vault's call of
// app_beat is a plain call with the vault's rights, and one store makes it
// read the vault's key (reproduced in the PKU guest at -O2).
// Fixed at link time (tools/alias-check.c): the driver refuses a link whose
// output has a global or weak symbol inside a marked function that is not
// marked itself, naming it, whatever made the name: --defsym (also into
// the function's middle), a linker script's assignment. With -s the
// driver strips after the check, so the name is still refused; a strip
// the linker is told to make leaves nothing to check and is refused.
// Checked before the fix: the link succeeded and the program printed LEAK.
// RUN: %bulkhead_clang -fpkey-compartments -O2 -DPROGRAM -c %S/attacks-review12-asm-alias.c -o %t.app.o
// RUN: not %bulkhead_clang -fpkey-compartments -O2 -DDEFSYM %S/attacks-review12-asm-alias.c %t.app.o -Wl,--defsym=app_beat=app_heartbeat -o %t.defsym 2> %t.err
// RUN: FileCheck %s --check-prefixes=REFUSED,AT0 < %t.err
// RUN: test ! -e %t.defsym
// RUN: not %bulkhead_clang -fpkey-compartments -O2 -DDEFSYM %S/attacks-review12-asm-alias.c %t.app.o -Wl,--defsym=app_beat=app_heartbeat+4 -fno-pkey-link-scan -o %t.mid 2> %t.mid.err
// RUN: FileCheck %s --check-prefixes=REFUSED,AT4 < %t.mid.err
// RUN: echo 'app_beat = app_heartbeat;' > %t.lds
// RUN: not %bulkhead_clang -fpkey-compartments -O2 -DDEFSYM %S/attacks-review12-asm-alias.c %t.app.o %t.lds -o %t.script 2> %t.script.err
// RUN: FileCheck %s --check-prefixes=REFUSED,AT0 < %t.script.err
// RUN: not %bulkhead_clang -fpkey-compartments -O2 -DDEFSYM %S/attacks-review12-asm-alias.c %t.app.o -Wl,--defsym=app_beat=app_heartbeat -s -o %t.s 2> %t.s.err
// RUN: FileCheck %s --check-prefixes=REFUSED,AT0 < %t.s.err
// RUN: not %bulkhead_clang -fpkey-compartments -O2 %S/attacks-review12-asm-alias.c %t.app.o -Wl,-s -o %t.stripped 2> %t.stripped.err
// RUN: FileCheck %s --check-prefix=STRIPPED < %t.stripped.err
// The same program without the name links.
// RUN: %bulkhead_clang -fpkey-compartments -O2 %S/attacks-review12-asm-alias.c %t.app.o -o %t.plain
// REFUSED: bulkhead-clang: error: {{.*}}: 'app_beat' names default-domain code ('app_{{tick|heartbeat}}'
// AT0-SAME: +0)
// AT4-SAME: +0x4)
// REFUSED-SAME: but no module marked it
// STRIPPED: bulkhead-clang: error: {{.*}} has no symbol table to check
