// Attacker model A (key-0 loads and stores only; one store). Review 13a.
// The general form of attacks-review13a-ifunc-alias.c. The link check
// (tools/alias-check.c) refuses a *name* inside a marked function; code the
// pass never saw that *refers* to a marked function is not a name there.
// Inputs/thunk-beat-review13a.s (an assembly file) defines app_beat as
// `jmp app_heartbeat`, the program's default-domain function. The vault's
// call of app_beat (declared, no marker) is a plain call into the
// assembly file's code, shared code with the vault's rights, which jumps
// to app_heartbeat: the program's code runs with the vault's rights and
// reads its key through a key-0 pointer one store aimed (the program of
// attacks-review12-asm-alias.c built with -DDEFSYM). In C the same
// reference (an address taken) would get the function's pointer wrapper.
// Reproduced in the PKU guest at -O2: the link succeeds, LEAK. The same
// thunk in a C file's module-level `asm` links too (checked natively; the
// pass reads only `.set`-style assignments there); inside a marked
// function's `asm` it is refused (its address lies in that function).
// Fix: judge references, not names: the driver refuses (or the docs
// list as a limit) a relocation against a marked function from a section
// the pass did not instrument (objects without the Bulkhead note, module
// and function `asm`), except the marked name's own gate/wrapper paths;
// ld's --cref or the input objects' relocations give them.
// Either fix passes this test (refused link, or a fault in the guest).
// Fixed: the pass leaves a local __bulkhead_compiled in every object it
// compiles; the driver links with the linker's trace (-t -t: the objects
// and archive members it used) and refuses an object without that symbol
// with a relocation against a marked function (tools/ref-check.c). Module
// `asm` in a compiled object is not told apart (docs/threat-model.md).
// REQUIRES: pku
// RUN: rm -f %t %t.out
// RUN: %bulkhead_clang -fpkey-compartments -O2 -DPROGRAM -c %S/attacks-review12-asm-alias.c -o %t.app.o
// RUN: %bulkhead_clang -fpkey-compartments -c %S/Inputs/thunk-beat-review13a.s -o %t.thunk.o
// RUN: %bulkhead_clang -fpkey-compartments -O2 -DDEFSYM %S/attacks-review12-asm-alias.c %t.app.o %t.thunk.o -o %t 2> %t.link || echo "link refused" > %t.out
// RUN: test ! -e %t || %run %t > %t.out 2>&1 || true
// RUN: FileCheck %s < %t.out
// RUN: test -e %t || FileCheck %s --check-prefix=LINK < %t.link
// LINK: bulkhead-clang: error: {{.*}}: {{.*}}thunk.o refers to 'app_heartbeat', default-domain code, but Bulkhead did not compile it
// CHECK-NOT: LEAK
// CHECK: {{protection-key fault|link refused}}
