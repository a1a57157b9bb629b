// Review 4 (attacker A), what remains of attacks-review4-mimalloc-exports.c:
// libmimalloc's own API. The runtime defines every allocation name of the
// C library and of other systems that libmimalloc.so.2 exports, but not
// its 132 mi_* functions: compartment code that calls mi_realloc (or any
// mi_*) runs the shared allocator in place, with the compartment's
// rights, on key-0 bookkeeping, and the same forged default heap reads
// and overwrites the vault's key. The same attack as that test, with
// mi_realloc for reallocf. Open (docs/heaps.md, "What a compartment may
// call"): expected to fail until the runtime stops or redirects those
// calls.
// REQUIRES: pku
// XFAIL: *
// RUN: %bulkhead_clang -fpkey-compartments -O2 -DGROW=mi_realloc %S/attacks-review4-mimalloc-exports.c -o %t && %run %t
