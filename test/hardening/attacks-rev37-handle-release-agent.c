// Review 37, attacker model B (the default domain's program counter, any
// system call the filter allows), as root (CAP_DAC_READ_SEARCH,
// CAP_SYS_ADMIN). Review 36 (commit a845673) refuses every open for
// writing on a cgroup v1 file system, in the supervisor's judgement of
// open, openat, openat2 and creat. open_by_handle_at opens no path: the
// filter lets it through unless it asks for O_TRUNC (review 16), and the
// supervisor never sees it. cgroup v1 (kernfs with export operations)
// gives file handles (name_to_handle_at), so release_agent,
// notify_on_release and cgroup.procs are opened for writing by handle and
// review 36's release agent runs again, as root, outside the filter.
// (procfs and sysfs give no handles; devtmpfs does, so the device
// refusals are passed the same way: seen in the guest with a probe, not in
// the tree: /dev/port and /dev/mem, refused to plain opens, were opened
// O_RDWR by handle; port I/O is review 34's keyboard.)
//
// Here main forks a child that execve's HELPER
// (Inputs/rev36-release-agent.c, -DBY_HANDLE, a plain program, not our
// process): its plain open of release_agent for writing is refused (the
// control); by handle it sets itself as the agent, and the kernel starts
// it, which reads the vault's secret through /proc/<main>/mem.
//
// Seen in the guest (root, Debian's 6.1.0-57): ATTACK SUCCEEDED (review 37,
// one boot with the three rev37 attacks, built by hand as these RUN lines do).
//
// Suggested fix: refuse open_by_handle_at for writing (any O_ACCMODE but
// O_RDONLY, and O_TRUNC as now) in the filter, or notify it and judge the
// object opened as bh_kernel_setting does; reads by handle reach no
// procfs file (no handles).
//
// Fixed: no process under the filter may mount (the supervisor answers
// EPERM to programs not ours), and the filter answers an open by handle
// for writing EPERM (runtime/bpf.c).
// REQUIRES: pku
// RUN: rm -rf %t && mkdir %t
// RUN: %clang -O1 -DBY_HANDLE %S/Inputs/rev36-release-agent.c -o %t/helper
// RUN: %bulkhead_clang -fpkey-compartments -O1 %s -o %t/prog
// RUN: %run %t/prog %t/helper > %t/out 2>&1 || true
// RUN: FileCheck %s < %t/out
// CHECK: uid 0
// CHECK: helper: mount private: Operation not permitted
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: vault says 20
#include <bulkhead.h>
#include <string.h>

BULKHEAD_DATA(vault) static char secret[32] = "TOP-SECRET-VAULT-KEY";
BULKHEAD_ENTRY(vault) int vault_len(void) { return (int)strlen(secret); }

#include "Inputs/vault-helper.h"
