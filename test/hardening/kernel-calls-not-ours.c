// Review 36 (attacker B, reasoned): perf_event_open, bpf, init_module,
// finit_module and the kexec calls were refused to our process only; the
// supervisor let a program it execve'd (not ours) make them, on our
// process too: a sampling event with PERF_SAMPLE_STACK_USER on main's
// threads copies a compartment thread's stack with that thread's PKRU (the
// very reason they are refused to our process), a BPF task iterator reads
// any process's memory, a module runs in the kernel. Now they are answered
// EPERM for every process under the filter (not fatal to one not ours).
// Before: as root, the event and the map were made, finit_module failed
// with EBADF.
// REQUIRES: pku
// RUN: rm -rf %t && mkdir %t
// RUN: %clang -O1 %S/Inputs/kernel-calls.c -o %t/helper
// RUN: %bulkhead_clang -fpkey-compartments -O1 %s -o %t/prog
// RUN: %run %t/prog %t/helper > %t/out 2>&1
// RUN: FileCheck %s < %t/out
// CHECK: helper: perf_event_open: Operation not permitted
// CHECK: helper: bpf: Operation not permitted
// CHECK: helper: finit_module: Operation not permitted
// CHECK: vault says 20
#include <bulkhead.h>
#include <string.h>

BULKHEAD_DATA(vault) static char secret[32] = "TOP-SECRET-VAULT-KEY";
BULKHEAD_ENTRY(vault) int vault_len(void) { return (int)strlen(secret); }

#include "Inputs/vault-helper.h"
