// Review 4 (attacker A), what remains of attacks-review4-mimalloc-exports.c:
// libmimalloc's own API. The runtime defines every allocation name of the
// C library and of other systems that libmimalloc.so.2 exports, but not
// its 132 mi_* functions: compartment code that calls mi_realloc (or any
// mi_*) runs the shared allocator in place, with the compartment's
// rights, on key-0 bookkeeping, and the same forged default heap reads
// and overwrites the vault's key. The same attack as that test, with
// mi_realloc for reallocf. Fixed: the runtime marks every mi_* name as the
// default domain's (runtime/mimalloc-api.c), so the pass gates the vault's
// call into the default domain, where mimalloc's pop of the vault's key
// faults (the test's child dies of SEGV_PKUERR and the key stays put).
// Before, the vault's key was read and overwritten (XFAIL until then).
// Since review 7 a compartment's mi_realloc is the runtime's checked
// bulkhead_shared_realloc (pass/CallGates.cpp, toCheckedSharedHeap), which
// faults the same way; mi_reallocf, which nothing rewrites, keeps the
// marker's gate under test.
// REQUIRES: pku
// RUN: %bulkhead_clang -fpkey-compartments -O2 -DGROW=mi_realloc %S/attacks-review4-mimalloc-exports.c -o %t && %run %t
// RUN: %bulkhead_clang -fpkey-compartments -O2 -DGROW=mi_reallocf %S/attacks-review4-mimalloc-exports.c -o %t && %run %t
