// A false refusal (review 13a; no attacker; seen while building the
// assembly inputs of the other review 13a tests). One command that
// compiles C and assembly with -fpkey-compartments fails: the driver
// passes `-mllvm -bulkhead-stacks` whenever a C file is compiled
// (bulkhead-clang.c), -mllvm reaches every clang job, and the assembler's
// (-cc1as) option parser rejects it ("Unknown command line argument
// '-bulkhead-stacks'"). The same command without the flag, or each file
// compiled on its own, works. -fpkey-compartment= and -fpkey-share= give a
// clear error for this case; -bulkhead-stacks (always given) does not.
// Checked natively.
// Fix: run the assembly inputs in a command of their own (or pass the
// option with -Xclang -mllvm -Xclang, which reaches -cc1 only).
// XFAIL: *
// RUN: %bulkhead_clang -fpkey-compartments -c %S/Inputs/thunk-beat-review13a.s -o %t.s.o
// RUN: %bulkhead_clang -fpkey-compartments -c %s -o %t.c.o
// RUN: rm -rf %t.d && mkdir -p %t.d && cd %t.d
// RUN: %bulkhead_clang -fpkey-compartments -c %s %S/Inputs/thunk-beat-review13a.s
void app_heartbeat(void) {}
