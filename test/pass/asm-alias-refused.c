// A module-asm alias of compartment code (`.set A, f`, f internal to a
// compartment or a static function of one) would be f's code under a name
// callers elsewhere use ungated (attacks-review12d-asm-alias-internal.c):
// the pass refuses the module with one error per such name, naming it, the
// function and the file, at -O0 and -O2, without crashing. Assignments of
// an entry's name (its thunk), of an IR alias (its gateway), of
// default-domain code, data or an undefined name are not errors
// (-DALLOWED compiles).
// RUN: not %clang_bh -O0 -c %s -o %t.o 2> %t.O0.err
// RUN: FileCheck %s < %t.O0.err
// RUN: not %clang_bh -O2 -c %s -o %t.o 2> %t.O2.err
// RUN: FileCheck %s < %t.O2.err
// RUN: %clang_bh -O0 -DALLOWED -c %s -o %t.allowed.o
// RUN: %clang_bh -O2 -DALLOWED -c %s -o %t.allowed.o
// CHECK-DAG: asm-alias-refused.c:{{[0-9]+}}:{{[0-9]+}}: error: bulkhead: module-level assembly of '{{.*}}asm-alias-refused.c' makes 'mix_asm' a name of 'mix' of compartment 'vault', which would run its code without a gateway
// CHECK-DAG: error: bulkhead: module-level assembly of '{{.*}}asm-alias-refused.c' makes 'mix_local' a name of 'mix' of compartment 'vault'
// CHECK-DAG: error: bulkhead: module-level assembly of '{{.*}}asm-alias-refused.c' makes 'helper_asm' a name of 'helper' of compartment 'vault'
// CHECK-NOT: '{{sign_asm|via_ir|beat|nothing|data_asm}}'
// CHECK: 3 errors generated
#include <bulkhead.h>

__asm__(".globl sign_asm; .set sign_asm, vault_sign\n"
        ".globl via_ir; .set via_ir, mix_alias\n"
        ".globl beat; .set beat, heartbeat\n"
        ".globl nothing; .set nothing, nowhere\n"
        ".globl data_asm; .set data_asm, key\n");
#ifndef ALLOWED
__asm__(".globl mix_asm; .set mix_asm, mix\n"
        "mix_local = mix\n"
        ".globl helper_asm; .equ helper_asm, helper\n");
#endif

BULKHEAD_DATA(vault) long key = 1;
void heartbeat(void) {}
BULKHEAD_INTERNAL(vault) void mix(void) {}
void mix_alias(void) __attribute__((alias("mix")));
BULKHEAD_INTERNAL(vault) static void helper(void) { __asm__("" ::: "memory"); }
BULKHEAD_ENTRY(vault) long vault_sign(void) {
  mix();
  helper();
  return key;
}
