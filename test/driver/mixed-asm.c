// A false refusal (review 13a; no attacker; seen while building the
// assembly inputs of the other review 13a tests). One command that
// compiled C and assembly with -fpkey-compartments failed: the driver
// passed `-mllvm -bulkhead-stacks` whenever a C file was compiled,
// -mllvm reaches every clang job, and the assembler's (-cc1as) option
// parser rejected it ("Unknown command line argument '-bulkhead-stacks'").
// Fixed: the driver passes the plugin's options through -Xclang, which
// reaches the compiler's job only (test/driver/compartment.test). Checked
// natively.
// RUN: %bulkhead_clang -fpkey-compartments -c %S/../runtime/Inputs/thunk-beat-review13a.s -o %t.s.o
// RUN: %bulkhead_clang -fpkey-compartments -c %s -o %t.c.o
// RUN: rm -rf %t.d && mkdir -p %t.d && cd %t.d
// RUN: %bulkhead_clang -fpkey-compartments -c %s %S/../runtime/Inputs/thunk-beat-review13a.s
void app_heartbeat(void) {}
