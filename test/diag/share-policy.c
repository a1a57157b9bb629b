// Sharing policies (-fpkey-share=FILE): a malformed file is one error naming
// file:line and fails the compile; an entry naming a default-domain function
// is a warning at that function; an entry whose FILE is this file but which
// names no function here is a warning naming it. A clean policy is silent.
// RUN: rm -rf %t && mkdir -p %t
// RUN: echo "# comment line"             > %t/bad.policy
// RUN: echo "lib_make   # fine"           >> %t/bad.policy
// RUN: echo "lib make share-policy.c"    >> %t/bad.policy
// RUN: echo "1st_fn"                     >> %t/bad.policy
// RUN: not %bulkhead_clang -fpkey-compartments -fpkey-share=%t/bad.policy -c %s -o %t/a.o 2>&1 | FileCheck %s --check-prefix=BAD -DP=%t
// BAD: error: [[P]]/bad.policy:3: bulkhead: malformed share policy entry 'lib make share-policy.c': expected a function name and optionally the source file defining it ([frame] FUNCTION [FILE])
// BAD-NOT: error:
// BAD: 1 error generated.
// RUN: echo "1st_fn" > %t/bad2.policy
// RUN: not %bulkhead_clang -fpkey-compartments -fpkey-share=%t/bad2.policy -c %s -o %t/a.o 2>&1 | FileCheck %s --check-prefix=BAD2 -DP=%t
// BAD2: error: [[P]]/bad2.policy:1: bulkhead: malformed share policy entry '1st_fn'
//
// The pass reads the file itself (the driver checks it first, test/driver).
// RUN: not %clang_bh -mllvm -bulkhead-share=%t/none.policy -c %s -o %t/a.o 2>&1 | FileCheck %s --check-prefix=NONE -DP=%t
// NONE: error: bulkhead: cannot read share policy '[[P]]/none.policy': No such file or directory
//
// RUN: echo "lib_make share-policy.c"     > %t/warn.policy
// RUN: echo "app_main"                    >> %t/warn.policy
// RUN: echo "lib_gone share-policy.c"     >> %t/warn.policy
// RUN: echo "lib_elsewhere other.c"       >> %t/warn.policy
// RUN: echo "frame lib_make"              >> %t/warn.policy
// RUN: echo "frame app_main"              >> %t/warn.policy
// RUN: %bulkhead_clang -fpkey-compartments -fpkey-share=%t/warn.policy -c %s -o %t/a.o 2>&1 | FileCheck %s --check-prefix=WARN -DP=%t
// WARN-DAG: share-policy.c:[[@LINE+15]]:5: warning: bulkhead: share policy entry 'app_main' ([[P]]/warn.policy:2) names a default-domain function, whose allocations are shared anyway; ignored
// WARN-DAG: share-policy.c:[[@LINE+14]]:5: warning: bulkhead: share policy entry 'app_main' ([[P]]/warn.policy:6) names a default-domain function, whose locals are shared anyway; ignored
// WARN-DAG: warning: [[P]]/warn.policy:3: bulkhead: share policy entry 'lib_gone' names no function defined in share-policy.c
// WARN-DAG: share-policy.c:[[@LINE+13]]:{{[0-9]+}}: warning: bulkhead: share policy entry 'lib_make' ([[P]]/warn.policy:5): nothing shared, it has no address-taken locals
// WARN-NOT: lib_elsewhere
// WARN: 4 warnings generated.
// A function named `frame` is just a function.
// RUN: echo "frame share-policy.c" > %t/named-frame.policy
// RUN: %bulkhead_clang -fpkey-compartments -fpkey-share=%t/named-frame.policy -c %s -o %t/a.o 2>&1 | FileCheck %s --check-prefix=NAMED -DP=%t
// NAMED: warning: [[P]]/named-frame.policy:1: bulkhead: share policy entry 'frame' names no function defined in share-policy.c
// RUN: echo "lib_make" > %t/good.policy
// RUN: %bulkhead_clang -fpkey-compartments -fpkey-share=%t/good.policy -Werror -c %s -o %t/a.o
#include <bulkhead.h>
#include <stdlib.h>

int app_main(void) { return 0; }
BULKHEAD_ENTRY(lib) void *lib_make(void) { return malloc(8); }
