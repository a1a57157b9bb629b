// With -bulkhead-stacks, a function whose address is taken but whose
// arguments a trampoline cannot pass (here a vector of 32 bytes: since
// aaba395 those of up to 16 are passed, review 83a) gets a
// wrapper that warns at compile time and stops the program if the pointer
// is ever called from another domain, instead of running the function on
// the caller's key-0 stack (found in review: it did so silently).
// RUN: %clang_bh -mllvm -bulkhead-compartment=vault -S -emit-llvm -o %t.ll %s 2>&1 | FileCheck %s --check-prefix=WARN
// RUN: FileCheck %s --check-prefix=IR < %t.ll
// WARN: warning: bulkhead: the address of 'mix' (compartment 'vault') is taken, but a call through it from the default domain cannot switch stacks: argument 1 {{has a type whose passing|is passed by value}}
// WARN-SAME: such a call stops the program
// IR-LABEL: define {{.*}} @__bulkhead_wrap.mix.vault(
// IR:       call void @__bulkhead_unsupported_call(ptr @
// IR-NOT:   define
// IR:       ret
typedef float v4 __attribute__((vector_size(32)));
static long mix(v4 x) { return (long)x[0]; }
long (*vault_get_mix(void))(v4) { return mix; }
