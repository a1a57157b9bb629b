// Attacker model A (the build's checks; their consequence is
// attacks-review12-defsym-alias.c's LEAK). Review 13a. The driver checks
// (tools/alias-check.c) and scans (bulkhead-scan) the file named by its own
// `-o` (or `a.out`), but the linker writes where the last `-o` it is
// given says: `-Wl,-o,prog` (also `-Xlinker -o`, `-Wl,--output=`) comes
// after clang's own and wins. The driver then checks ./a.out: missing, the
// link fails (closed); an old a.out (a clean earlier build, as here), the
// check and the scan pass on it, and prog, with its --defsym name for
// default-domain code and whatever WRPKRU bytes, is kept. Checked natively.
// Fix: take the output from the linker flags too (the last -o the linker
// sees), or refuse -o among -Wl/-Xlinker arguments of a link.
// Fixed: the driver refuses an output named to the linker (-Wl,-o,
// --output) in a link with -fpkey-compartments: -o goes to the driver.
// RUN: rm -rf %t.d && mkdir -p %t.d
// RUN: %bulkhead_clang -fpkey-compartments -O2 -DPROGRAM -c %S/attacks-review12-asm-alias.c -o %t.d/app.o
// RUN: cd %t.d && %bulkhead_clang -fpkey-compartments -O2 %S/attacks-review12-asm-alias.c app.o
// RUN: cd %t.d && not %bulkhead_clang -fpkey-compartments -O2 -DDEFSYM %S/attacks-review12-asm-alias.c app.o -Wl,--defsym=app_beat=app_heartbeat -Wl,-o,prog 2> err
// RUN: FileCheck %s < %t.d/err
// RUN: test ! -e %t.d/prog
// CHECK: bulkhead-clang: error: '-o' cannot be used in a link with -fpkey-compartments
