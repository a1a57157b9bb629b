// Review 34, attacker model B (the default domain's program counter, any
// system call the filter allows), as root (the guest's default, with
// CAP_SYS_PTRACE; a user that is not root gets the same mount namespace
// with a user namespace where the kernel allows one: reasoned, not run).
// The filter refuses namespaces and mounts to our process only ("a mount
// namespace lets the program put a process's memory file under another
// name"): a program it execve'd (not our process) gets them from the
// supervisor (CONTINUE). judge and bh_kernel_setting
// (runtime/supervisor-open.c) tell a memory file, and the caller's own
// procfs files, by the name /proc/self/fd/<n> reads back: in another
// mount namespace that is the name there, which the caller chooses.
//
// Here main forks a child that execve's HELPER (Inputs/rev34-bind-mem.c,
// a plain program): its open of /proc/<main>/mem is refused (the
// control). It unshares a mount namespace, mounts a tmpfs on /tmp and
// bind-mounts /proc/<main>/mem on /tmp/foo: opened for reading, the name
// read back is "/tmp/foo" (no "mem", not under /proc/), so judge lets it
// through and the vault's secret is read. Then a tmpfs over /proc and a
// bind mount of the same file on /proc/<own pid>/foo: the name now reads
// as a procfs file of the caller's own, so bh_kernel_setting lets it be
// opened for writing too, and "X" is written into the vault (main's
// vault then says 2). Any byte of main, code included, could be.
// The same renaming passes sysfs's uevent helper (compared by name) as a
// bind mount under another name: reasoned, not run.
// Worse, reasoned, not run: the supervisor's own /proc/<supervisor>/mem
// bound the same way is opened by the supervisor for the caller, and
// mem_open checks no ptrace access for a process's own memory (the
// inode, root's for a process that is not dumpable, lets root's fsuid
// in): the caller would write into the supervisor.
//
// Seen in the guest (root; the host's kernel, 6.18): ATTACK SUCCEEDED.
//
// Suggested fix: judge the object, not its name: a procfs file whose
// inode is a memory file (compare st_dev/st_ino, or the file's
// f_op-specific behaviour, with /proc/<pid>/mem opened by the supervisor
// for the pid whose inode number matches, or refuse every procfs regular
// file reached through a mount other than the supervisor's own /proc:
// check that /proc/self/fdinfo/<n>'s mnt_id is a procfs mount of the
// supervisor's namespace); or refuse namespaces and mounts to every
// process under the filter.
// Fixed: a procfs file counts only when reached through the mount that is
// /proc itself (statx STATX_MNT_ID, runtime/supervisor-open.c
// through_proc), else the open is refused; the uevent helper is known by
// its inode too. Here every open is refused.
// REQUIRES: pku
// RUN: rm -rf %t && mkdir %t
// RUN: %clang -O1 %S/Inputs/rev34-bind-mem.c -o %t/helper
// RUN: %bulkhead_clang -fpkey-compartments -O1 %s -o %t/prog
// RUN: %run %t/prog %t/helper > %t/out 2>&1 || true
// RUN: FileCheck %s < %t/out
// CHECK: uid 0
// CHECK: helper: plain open of /proc/{{[0-9]+}}/mem: Operation not permitted
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: vault says 20
#include <bulkhead.h>
#include <string.h>

BULKHEAD_DATA(vault) static char secret[32] = "TOP-SECRET-VAULT-KEY";
BULKHEAD_ENTRY(vault) int vault_len(void) { return (int)strlen(secret); }

#include "Inputs/vault-helper.h"
