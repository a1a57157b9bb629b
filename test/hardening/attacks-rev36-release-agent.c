// Review 36, attacker model B (the default domain's program counter, any
// system call the filter allows), as root (CAP_SYS_ADMIN).
// Review 30 refused opens for writing of the kernel settings that have the
// kernel run a program outside the filter (core_pattern, modprobe:
// procfs; binfmt_misc, tracefs, debugfs; sysfs's uevent_helper). cgroup
// v1's release_agent is another, on a file system bh_kernel_setting does
// not look at (cgroupfs, CGROUP_SUPER_MAGIC): when a cgroup with
// notify_on_release set becomes empty, the kernel runs the hierarchy's
// release agent as root in the initial namespaces, under no filter (the
// container escape of CVE-2022-0492, here from a filter).
//
// Here main forks a child that execve's HELPER
// (Inputs/rev36-release-agent.c, a plain program, not our process, so
// mounts are let through): its open of core_pattern for writing is
// refused (the control). It mounts a named cgroup v1 hierarchy
// ("none,name=bh36"; a host on cgroup v2 alone still lets one be
// mounted), writes its own path into release_agent (the supervisor, root,
// opens it, so release_agent's CAP_SYS_ADMIN check on the opener passes),
// makes a cgroup "<main>-<secret's address>" with notify_on_release 1,
// and a fork of its own joins it and ends. The kernel starts HELPER again
// as the release agent, outside the filter: it reads the vault's secret
// through /proc/<main>/mem into a file the helper reads back.
//
// Seen in the guest (root, Debian's 6.1.0-57): ATTACK SUCCEEDED.
//
// Suggested fix: bh_kernel_setting refuses opens for writing on cgroupfs
// (CGROUP_SUPER_MAGIC) release_agent files (by name within the mount and
// by the fs type, since a bind mount renames it), or every cgroup v1
// file for writing; and refuse mount(2) of cgroup v1 (and of any file
// system: mounts) to every process under the filter, not our process only.
//
// Fixed: bh_kernel_setting refuses every open for writing on a cgroup v1
// file system (runtime/supervisor-open.c); here the write of release_agent
// was refused (seen in the guest). Since review 37 no process under the
// filter may mount (attacks-rev37-fake-proc.c): the helper is stopped at
// its first mount; the cgroup v1 rule stays for hierarchies mounted
// outside the filter.
// REQUIRES: pku
// RUN: rm -rf %t && mkdir %t
// RUN: %clang -O1 %S/Inputs/rev36-release-agent.c -o %t/helper
// RUN: %bulkhead_clang -fpkey-compartments -O1 %s -o %t/prog
// RUN: %run %t/prog %t/helper > %t/out 2>&1 || true
// RUN: FileCheck %s < %t/out
// CHECK: uid 0
// CHECK: helper: plain open of core_pattern for writing: Operation not permitted
// CHECK: helper: mount private: Operation not permitted
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: vault says 20
#include <bulkhead.h>
#include <string.h>

BULKHEAD_DATA(vault) static char secret[32] = "TOP-SECRET-VAULT-KEY";
BULKHEAD_ENTRY(vault) int vault_len(void) { return (int)strlen(secret); }

#include "Inputs/vault-helper.h"
