// Attacker model A (key-0 loads and stores only; one store). Review 13a.
// The link check (tools/alias-check.c) refuses a global name whose
// *address* lies inside a marked function. An ifunc's address is its
// resolver's, so a name that is an ifunc resolving to default-domain code
// passes it: Inputs/ifunc-beat-review13a.s (an assembly file, which the
// pass never sees) makes app_beat an ifunc whose resolver returns the
// program's app_heartbeat. The vault's call of app_beat (declared, no
// marker) is a plain call through the PLT, which ld.so's IRELATIVE points
// at app_heartbeat: the program's code runs with the vault's rights and
// reads its key through a key-0 pointer one store aimed (the program of
// attacks-review12-asm-alias.c built with -DDEFSYM). Reproduced in the PKU
// guest at -O2: the link succeeds and the program prints LEAK. The same
// in a function's `asm`, which the pass does not read either.
// Fix: the link check cannot run a resolver; it could refuse a global or
// weak STT_GNU_IFUNC without a marker in a link with compartments (the
// pass marks C ifuncs of default-domain resolvers), or the runtime could
// compare each IRELATIVE result with default-domain code (the marked
// functions) at start-up, before any compartment runs.
// Either fix passes this test (refused link, or a fault in the guest).
// Fixed: the pass marks every ifunc it compiles (__bulkhead_ifunc.NAME),
// and the link check refuses, in a link with compartments, a global or
// weak ifunc without that marker, naming it.
// REQUIRES: pku
// RUN: rm -f %t %t.out
// RUN: %bulkhead_clang -fpkey-compartments -O2 -DPROGRAM -c %S/attacks-review12-asm-alias.c -o %t.app.o
// RUN: %bulkhead_clang -fpkey-compartments -c %S/Inputs/ifunc-beat-review13a.s -o %t.ifunc.o
// RUN: %bulkhead_clang -fpkey-compartments -O2 -DDEFSYM %S/attacks-review12-asm-alias.c %t.app.o %t.ifunc.o -o %t 2> %t.link || echo "link refused" > %t.out
// RUN: test ! -e %t || %run %t > %t.out 2>&1 || true
// RUN: FileCheck %s < %t.out
// RUN: test -e %t || FileCheck %s --check-prefix=LINK < %t.link
// LINK: bulkhead-clang: error: {{.*}}: 'app_beat' is an ifunc that no module marked
// CHECK-NOT: LEAK
// CHECK: {{protection-key fault|link refused}}
