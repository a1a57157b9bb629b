// Review 37, attacker model B (the default domain's program counter, any
// system call the filter allows), as root (CAP_SYS_ADMIN for fanotify).
// The supervisor opens a path for the caller first and judges the object
// it got afterwards (supervisor-open.c): the open itself happens, and the
// kernel reports it. fanotify is not in the filter's list: a group made
// with fanotify_init(FAN_CLASS_NOTIF, O_RDONLY) and a mount mark on /proc
// (FAN_OPEN; procfs refuses only permission events) gets, for every open
// on that mount, a descriptor the kernel opens itself for the watcher
// (fanotify's create_fd: dentry_open with the watcher's credentials, no
// open system call, nothing for the supervisor to judge). mem's own open
// checks only ptrace access, which root has.
//
// Here main forks a child that execve's HELPER
// (Inputs/rev37-fanotify-mem.c, a plain program, not our process): it
// marks /proc, opens /proc/<main>/mem (the control: refused, EPERM), and
// reads the event of the supervisor's own open of that file: the event's
// descriptor is main's memory, and the vault's secret is read through it.
// Our process can do the same (fanotify is allowed to it too), with the
// open made by a fork of its own, which the refusal kills: seen in the
// guest (a probe, not in the tree: main's fanotify group read the vault
// through the event of its killed fork's open). Not only memory: an
// event's descriptor may be made for writing (fanotify_init's O_RDWR), so
// a read-only open of core_pattern, or of any kernel setting
// bh_kernel_setting refuses for writing, gives a writable one: seen in
// the guest (a probe: core_pattern's event descriptor was O_RDWR and the
// same pattern was written back through it).
//
// Seen in the guest (root, Debian's 6.1.0-57): ATTACK SUCCEEDED (review 37,
// one boot with the three rev37 attacks, built by hand as these RUN lines do).
//
// Suggested fix: refuse fanotify_init in the filter (or answer it EPERM
// for every process under it; fanotify with descriptors needs
// CAP_SYS_ADMIN, unprivileged groups only report file handles); more
// generally, the supervisor's opens for a caller are observable and their
// side effects (fanotify, an open's own effects on devices) happen before
// the judgement.
//
// Fixed: the filter answers fanotify_init EPERM for every process under
// it (runtime/bpf.c).
// REQUIRES: pku
// RUN: rm -rf %t && mkdir %t
// RUN: %clang -O1 %S/Inputs/rev37-fanotify-mem.c -o %t/helper
// RUN: %bulkhead_clang -fpkey-compartments -O1 %s -o %t/prog
// RUN: %run %t/prog %t/helper > %t/out 2>&1 || true
// RUN: FileCheck %s < %t/out
// CHECK: uid 0
// CHECK: helper: fanotify_init: Operation not permitted
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: vault says 20
#include <bulkhead.h>
#include <string.h>

BULKHEAD_DATA(vault) static char secret[32] = "TOP-SECRET-VAULT-KEY";
BULKHEAD_ENTRY(vault) int vault_len(void) { return (int)strlen(secret); }

#include "Inputs/vault-helper.h"
