// Bulkhead's gates and trampolines are x86-64 assembly and its runtime uses
// Linux's pkey system calls: compiling for any other target is one clear
// error line and a failed compile, not a crash or a silently unprotected
// object. x86-64 Linux itself compiles. (-ffreestanding: no other
// target's C headers need be installed.)
// RUN: not %clang_bh --target=aarch64-linux-gnu -ffreestanding -O2 -c -o /dev/null %s 2>&1 | FileCheck %s --check-prefix=ARM
// RUN: not %clang_bh --target=x86_64-pc-windows-msvc -ffreestanding -O0 -c -o /dev/null %s 2>&1 | FileCheck %s --check-prefix=WIN
// RUN: %clang_bh --target=x86_64-linux-gnu -ffreestanding -O2 -c -o /dev/null %s
#include <bulkhead.h>

BULKHEAD_ENTRY(vault) int vault_get(void) { return 1; }
int use(void) { return vault_get(); }

// ARM: error: bulkhead: target 'aarch64-unknown-linux-gnu' is not supported: Bulkhead targets x86-64 Linux only
// ARM-NEXT: 1 error generated.
// WIN: error: bulkhead: target 'x86_64-pc-windows-msvc{{.*}}' is not supported: Bulkhead targets x86-64 Linux only
