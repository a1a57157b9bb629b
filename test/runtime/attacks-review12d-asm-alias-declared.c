// Attacker model A (key-0 loads and stores only; one store). Review 12d.
// attacks-review12-asm-alias.c's program with -DDECLARED: the module that
// makes `app_tick` with `.globl app_tick; .set app_tick, app_heartbeat`
// also declares app_tick (its header) and calls it. markDefaultFunctions
// (pass/CallGates.cpp) skips a module-asm name the IR also knows
// (`M.getNamedValue(Name)`), and the IR's app_tick is a declaration, not
// default-domain code: the name gets no marker (nm: no
// __bulkhead_default.app_tick) and no import, so the vault's call of
// app_tick is again a plain call of app_heartbeat with the vault's rights,
// and one store makes it read the vault's key.
// Reproduced in the PKU guest at -O2 (main e1049a7): "LEAK: the program's
// heartbeat ran with the vault's rights and read its key".
// Fix: skip only a name the IR defines (a declaration of it is just a
// use), i.e. `if (GV && !GV->isDeclaration()) continue;`.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 -DPROGRAM -DDECLARED -c %S/attacks-review12-asm-alias.c -o %t.app.o
// RUN: %bulkhead_clang -fpkey-compartments -O2 %S/attacks-review12-asm-alias.c %t.app.o -o %t
// RUN: %run %t > %t.out 2>&1 || true
// RUN: FileCheck %S/attacks-review12-asm-alias.c < %t.out
