// A module that takes a name of the runtime's entry points for something
// else (libtool's configure compiles a table of every symbol nm listed in
// an earlier object, each declared `extern char NAME;`) compiles: the pass
// gives no stand-in for that name instead of crashing (it did, in the
// libpng build's "command to parse nm output" check).
// RUN: %clang_bh -O2 -c %s -o %t.o
// RUN: %clang_bh -O0 -S -emit-llvm %s -o - | FileCheck %s
// CHECK: @__bulkhead_caller_index = external global i8
// CHECK: @__bulkhead_reenter_default = external global i8
extern char __bulkhead_caller_index;
extern char __bulkhead_reenter_default;
extern char __bulkhead_return_to_index;
extern char __bulkhead_unsupported_call;
const char *table[] = {&__bulkhead_caller_index, &__bulkhead_reenter_default,
                       &__bulkhead_return_to_index,
                       &__bulkhead_unsupported_call};
